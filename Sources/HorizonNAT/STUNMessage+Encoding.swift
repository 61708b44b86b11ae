extension STUNMessage {
    /// The message on the wire, optionally followed by MESSAGE-INTEGRITY (HMAC-SHA1),
    /// MESSAGE-INTEGRITY-SHA256 and FINGERPRINT, in the order RFC 8489 §14 requires.
    ///
    /// `padding` fills values to 4-byte boundaries; receivers ignore it, RFC 8489 senders
    /// use 0, and RFC 5769's vectors use 0x20, which is why it is a parameter.
    /// An attribute value longer than 65535 bytes is a programming error.
    public func encoded(integrity: STUNIntegrityKey? = nil, integritySHA256: STUNIntegrityKey? = nil,
                        fingerprint: Bool = false, padding: UInt8 = 0) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        out.appendBigEndian(type.rawValue)
        out.appendBigEndian(UInt16(0))   // length, set as attributes are added
        out.appendBigEndian(Self.magicCookie)
        out += transactionID.bytes
        for attribute in attributes {
            Self.append(attribute.type, attribute.encodedValue(transactionID: transactionID), to: &out, padding: padding)
        }
        if let integrity {
            Self.appendIntegrity(.messageIntegrity, digest: integrity.hmacSHA1, size: 20, to: &out)
        }
        if let integritySHA256 {
            Self.appendIntegrity(.messageIntegritySHA256, digest: integritySHA256.hmacSHA256, size: 32, to: &out)
        }
        if fingerprint {
            Self.setLength(ofMessageEndingAt: out.count + 8, in: &out)
            var value: [UInt8] = []
            value.appendBigEndian(STUNFingerprint.value(of: out))
            Self.append(.fingerprint, value, to: &out, padding: 0)
        }
        Self.setLength(ofMessageEndingAt: out.count, in: &out)
        return out
    }

    static func append(_ type: STUNAttributeType, _ value: [UInt8], to out: inout [UInt8], padding: UInt8) {
        precondition(value.count <= Int(UInt16.max), "STUN attribute \(type) value of \(value.count) bytes")
        out.appendBigEndian(type.rawValue)
        out.appendBigEndian(UInt16(value.count))
        out += value
        out += repeatElement(padding, count: (4 - value.count % 4) % 4)
    }

    /// Integrity covers the message up to its own attribute, with the header's length
    /// already counting that attribute (RFC 8489 §14.5).
    private static func appendIntegrity(_ type: STUNAttributeType, digest: ([UInt8]) -> [UInt8], size: Int,
                                        to out: inout [UInt8]) {
        setLength(ofMessageEndingAt: out.count + 4 + size, in: &out)
        append(type, digest(out), to: &out, padding: 0)
    }

    static func setLength(ofMessageEndingAt end: Int, in out: inout [UInt8]) {
        out.storeBigEndian(UInt16(end - headerSize), at: 2)
    }
}
