import HorizonUDP

/// One attribute of a STUN or TURN message, decoded.
///
/// MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256 and FINGERPRINT are not cases: they are
/// computed over the encoded message, so `STUNMessage.encoded` appends them and
/// `STUNReceivedMessage` reports and verifies them.
public enum STUNAttribute: Hashable, Sendable {
    case mappedAddress(UDPAddress)
    case xorMappedAddress(UDPAddress)
    case username(String)
    case realm(String)
    case nonce(String)
    case software(String)
    case errorCode(STUNErrorCode)
    case unknownAttributes([STUNAttributeType])
    // TURN
    case channelNumber(UInt16)
    /// Seconds.
    case lifetime(UInt32)
    case xorPeerAddress(UDPAddress)
    case xorRelayedAddress(UDPAddress)
    case data([UInt8])
    /// An IP protocol number (17: UDP).
    case requestedTransport(UInt8)
    // ICE
    case priority(UInt32)
    case useCandidate
    case iceControlled(tieBreaker: UInt64)
    case iceControlling(tieBreaker: UInt64)
    /// Any attribute this codec does not interpret, kept verbatim.
    case other(STUNAttributeType, [UInt8])

    public var type: STUNAttributeType {
        switch self {
        case .mappedAddress: .mappedAddress
        case .xorMappedAddress: .xorMappedAddress
        case .username: .username
        case .realm: .realm
        case .nonce: .nonce
        case .software: .software
        case .errorCode: .errorCode
        case .unknownAttributes: .unknownAttributes
        case .channelNumber: .channelNumber
        case .lifetime: .lifetime
        case .xorPeerAddress: .xorPeerAddress
        case .xorRelayedAddress: .xorRelayedAddress
        case .data: .data
        case .requestedTransport: .requestedTransport
        case .priority: .priority
        case .useCandidate: .useCandidate
        case .iceControlled: .iceControlled
        case .iceControlling: .iceControlling
        case .other(let type, _): type
        }
    }

    /// Longest values RFC 8489 allows for the text attributes, in bytes.
    static let maxUsernameBytes = 512
    static let maxTextBytes = 763
}
