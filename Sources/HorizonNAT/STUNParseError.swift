/// Why bytes were not accepted as a STUN message. Parsing reports these instead of trapping.
public enum STUNParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Fewer than the 20 header bytes.
    case tooShort
    /// The top two bits are not 00 or the magic cookie is missing.
    case notSTUN
    /// The header's length is not a multiple of 4 or disagrees with the datagram's size.
    case lengthMismatch
    /// An attribute's header or value runs past the end of the message.
    case truncatedAttribute(at: Int)
    /// A known attribute whose value does not have its defined form.
    case malformedAttribute(STUNAttributeType)
    /// FINGERPRINT is present and wrong: the datagram is not (intact) STUN.
    case fingerprintMismatch
    /// Something follows FINGERPRINT, which must be last.
    case attributeAfterFingerprint

    public var description: String {
        switch self {
        case .tooShort: "shorter than a STUN header"
        case .notSTUN: "not a STUN message (no magic cookie)"
        case .lengthMismatch: "STUN length field disagrees with the datagram size"
        case .truncatedAttribute(let offset): "STUN attribute at byte \(offset) runs past the end"
        case .malformedAttribute(let type): "malformed STUN attribute \(type)"
        case .fingerprintMismatch: "STUN FINGERPRINT does not match"
        case .attributeAfterFingerprint: "STUN attribute after FINGERPRINT"
        }
    }
}
