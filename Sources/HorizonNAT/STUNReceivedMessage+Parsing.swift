extension STUNReceivedMessage {
    /// Parses one STUN message that fills `bytes` exactly. Never traps: anything that is
    /// not a well-formed message is a `STUNParseError`.
    ///
    /// Following RFC 8489 §14.5–14.7, attributes after MESSAGE-INTEGRITY other than
    /// MESSAGE-INTEGRITY-SHA256 and FINGERPRINT, and after MESSAGE-INTEGRITY-SHA256 other
    /// than FINGERPRINT, are ignored; FINGERPRINT must be last and must match.
    public static func parse(_ bytes: [UInt8]) throws(STUNParseError) -> STUNReceivedMessage {
        let header = try STUNHeader.parse(bytes)
        var parser = Parser(bytes: bytes, header: header)
        return try parser.run()
    }

    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(STUNParseError) -> STUNReceivedMessage {
        try parse(Array(bytes))
    }

    private struct Parser {
        let bytes: [UInt8]
        let header: STUNHeader
        var result: STUNReceivedMessage

        init(bytes: [UInt8], header: STUNHeader) {
            self.bytes = bytes
            self.header = header
            result = STUNReceivedMessage(
                message: STUNMessage(type: header.type, transactionID: header.transactionID),
                unknownComprehensionRequired: [], hasFingerprint: false)
        }

        mutating func run() throws(STUNParseError) -> STUNReceivedMessage {
            var offset = STUNMessage.headerSize
            while offset < bytes.count {
                guard bytes.count - offset >= 4 else { throw .truncatedAttribute(at: offset) }
                let type = STUNAttributeType(rawValue: bytes.bigEndianUInt16(at: offset))
                let length = Int(bytes.bigEndianUInt16(at: offset + 2))
                let end = offset + 4 + length
                let next = end + (4 - length % 4) % 4
                guard next <= bytes.count else { throw .truncatedAttribute(at: offset) }
                guard !result.hasFingerprint else { throw .attributeAfterFingerprint }
                try take(type, value: bytes[(offset + 4)..<end], at: offset)
                offset = next
            }
            return result
        }

        private mutating func take(_ type: STUNAttributeType, value: ArraySlice<UInt8>, at offset: Int) throws(STUNParseError) {
            switch type {
            case .fingerprint:
                guard value.count == 4 else { throw .malformedAttribute(type) }
                guard value.bigEndianUInt32(at: 0) == STUNFingerprint.value(of: covered(upTo: offset, attributeSize: 8)) else {
                    throw .fingerprintMismatch
                }
                result.hasFingerprint = true
            case .messageIntegrity where result.integrity == nil && result.integritySHA256 == nil:
                guard value.count == 20 else { throw .malformedAttribute(type) }
                result.integrity = IntegrityField(value: Array(value), covered: covered(upTo: offset, attributeSize: 24))
            case .messageIntegritySHA256 where result.integritySHA256 == nil:
                // Truncation to 16..32 bytes in steps of 4 is allowed (RFC 8489 §14.6).
                guard (16...32).contains(value.count), value.count % 4 == 0 else { throw .malformedAttribute(type) }
                result.integritySHA256 = IntegrityField(
                    value: Array(value), covered: covered(upTo: offset, attributeSize: 4 + value.count))
            case _ where result.integrity != nil || result.integritySHA256 != nil:
                return   // covered by no integrity check: ignored
            default:
                let attribute = try STUNAttribute.decode(type: type, value: value, transactionID: header.transactionID)
                if case .other = attribute, type.isComprehensionRequired, !result.unknownComprehensionRequired.contains(type) {
                    result.unknownComprehensionRequired.append(type)
                }
                result.message.attributes.append(attribute)
            }
        }

        /// The bytes before `offset` with the header's length set as if the message ended
        /// after an attribute of `attributeSize` bytes starting there.
        private func covered(upTo offset: Int, attributeSize: Int) -> [UInt8] {
            var prefix = Array(bytes[0..<offset])
            STUNMessage.setLength(ofMessageEndingAt: offset + attributeSize, in: &prefix)
            return prefix
        }
    }
}
