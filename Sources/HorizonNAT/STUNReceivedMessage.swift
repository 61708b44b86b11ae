/// A STUN message as parsed from the wire, with what only the wire bytes can tell:
/// which comprehension-required attributes were not understood, and the integrity
/// attributes, kept with the bytes they cover so they can be checked once the key is known
/// (which may depend on the USERNAME inside).
public struct STUNReceivedMessage: Hashable, Sendable {
    public var message: STUNMessage
    /// Comprehension-required types this codec does not interpret, in order, once each.
    /// A request carrying any must be answered with 420 (RFC 8489 §6.3.1).
    public var unknownComprehensionRequired: [STUNAttributeType]
    public var integrity: IntegrityField?
    public var integritySHA256: IntegrityField?
    /// FINGERPRINT was present (and matched, or parsing would have failed).
    public var hasFingerprint: Bool

    /// A MESSAGE-INTEGRITY(-SHA256) value and the message bytes before it.
    public struct IntegrityField: Hashable, Sendable {
        public var value: [UInt8]
        /// The message up to the attribute, with the header's length set to end just after it.
        var covered: [UInt8]
    }

    /// Checks MESSAGE-INTEGRITY-SHA256 when present, else MESSAGE-INTEGRITY; false when
    /// neither is there. (RFC 8489 §9.1.4: the SHA-256 one wins when both are present.)
    public func verifyIntegrity(key: STUNIntegrityKey) -> Bool {
        if let field = integritySHA256 {
            return constantTimeEqual(Array(key.hmacSHA256(field.covered).prefix(field.value.count)), field.value)
        }
        guard let field = integrity else { return false }
        return constantTimeEqual(key.hmacSHA1(field.covered), field.value)
    }

    private func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
