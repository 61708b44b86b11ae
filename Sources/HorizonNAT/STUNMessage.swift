import HorizonUDP

/// A STUN message (RFC 8489 §5): type, transaction id and attributes in order.
/// `encoded(...)` writes it; `STUNReceivedMessage.parse` reads one.
public struct STUNMessage: Hashable, Sendable {
    public static let magicCookie: UInt32 = 0x2112_A442
    public static let headerSize = 20

    public var type: STUNMessageType
    public var transactionID: STUNTransactionID
    public var attributes: [STUNAttribute]

    public init(type: STUNMessageType, transactionID: STUNTransactionID = .random(), attributes: [STUNAttribute] = []) {
        self.type = type
        self.transactionID = transactionID
        self.attributes = attributes
    }

    /// The first attribute `extract` accepts: receivers act on the first of a type.
    public func first<T>(_ extract: (STUNAttribute) -> T?) -> T? {
        for attribute in attributes {
            if let value = extract(attribute) { return value }
        }
        return nil
    }

    /// XOR-MAPPED-ADDRESS, else MAPPED-ADDRESS (what RFC 3489-era servers send).
    public var reflexiveAddress: UDPAddress? {
        first { if case .xorMappedAddress(let a) = $0 { a } else { nil } }
            ?? first { if case .mappedAddress(let a) = $0 { a } else { nil } }
    }

    public var errorCode: STUNErrorCode? { first { if case .errorCode(let e) = $0 { e } else { nil } } }
    public var software: String? { first { if case .software(let s) = $0 { s } else { nil } } }
    public var username: String? { first { if case .username(let s) = $0 { s } else { nil } } }
    public var realm: String? { first { if case .realm(let s) = $0 { s } else { nil } } }
    public var nonce: String? { first { if case .nonce(let s) = $0 { s } else { nil } } }
}
