import Foundation

/// What a node sends on its signal socket: a payload for one peer.
struct InboundSignal: Decodable, Sendable {
    var to: String
    var payload: JSONValue
    /// The sender's own reference, echoed in deliveries and refusals.
    var id: String?
}

/// What a node receives: a payload from a peer.
struct DeliveredSignal: Codable, Sendable, Equatable {
    var from: UUID
    var payload: JSONValue
    var id: String?
}

/// A refusal, sent back to the sender.
struct SignalNotice: Encodable, Sendable {
    struct Body: Encodable, Sendable {
        var code: String
        var message: String
    }

    var error: Body
    var to: String?
    var id: String?

    init(_ code: String, _ message: String, to: String? = nil, id: String? = nil) {
        error = Body(code: code, message: message)
        self.to = to
        self.id = id
    }
}

/// A signal on its way between brokers (through PostgreSQL NOTIFY), or the acknowledgement
/// that a broker delivered it. Short keys: the whole notification must stay under 8000 bytes.
struct SignalEnvelope: Codable, Sendable, Equatable {
    enum Kind: String, Codable, Sendable {
        case message = "m"
        case delivered = "d"
    }

    var kind: Kind
    /// The broker the message came from: it alone waits for the acknowledgement.
    var origin: UUID
    /// Pairs a message with its acknowledgement.
    var ticket: UUID
    var signal: DeliveredSignal?
    var to: UUID?

    init(kind: Kind, origin: UUID, ticket: UUID, signal: DeliveredSignal? = nil, to: UUID? = nil) {
        self.kind = kind
        self.origin = origin
        self.ticket = ticket
        self.signal = signal
        self.to = to
    }

    enum CodingKeys: String, CodingKey {
        case kind = "k", origin = "o", ticket = "t", signal = "s", to
    }
}

enum SignalCoding {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func text(_ value: some Encodable) -> String {
        (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
