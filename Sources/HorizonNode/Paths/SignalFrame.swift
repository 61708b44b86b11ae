/// The broker's signal WebSocket messages (openapi.yaml, `x-websockets`): what a node sends,
/// and what it receives (a peer's payload, or a refusal of one of its own).
struct OutgoingSignalFrame: Encodable {
    var to: String
    var payload: PathSignal
}

struct IncomingSignalFrame: Decodable {
    struct Refusal: Decodable {
        var code: String
        var message: String
    }

    var from: String?
    /// Nil when the payload is not a path signal (another kind of message between peers).
    var payload: PathSignal?
    var error: Refusal?

    private enum CodingKeys: String, CodingKey { case from, payload, error }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        from = try container.decodeIfPresent(String.self, forKey: .from)
        payload = try? container.decodeIfPresent(PathSignal.self, forKey: .payload)
        error = try container.decodeIfPresent(Refusal.self, forKey: .error)
    }
}
