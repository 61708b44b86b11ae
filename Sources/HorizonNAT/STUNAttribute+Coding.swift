import HorizonUDP

extension STUNAttribute {
    /// Decodes the value of a `type` attribute. Types this codec does not interpret come
    /// back as `.other`; a known type with a bad value is an error.
    static func decode(type: STUNAttributeType, value: ArraySlice<UInt8>,
                       transactionID: STUNTransactionID) throws(STUNParseError) -> STUNAttribute {
        func address(xor: Bool) throws(STUNParseError) -> UDPAddress {
            guard let a = STUNAddressCoding.decode(value, xor: xor ? transactionID : nil) else { throw .malformedAttribute(type) }
            return a
        }
        func text(maxBytes: Int) throws(STUNParseError) -> String {
            guard value.count <= maxBytes, let s = String(validating: value, as: UTF8.self) else { throw .malformedAttribute(type) }
            return s
        }
        func word(_ count: Int) throws(STUNParseError) {
            guard value.count == count else { throw .malformedAttribute(type) }
        }
        switch type {
        case .mappedAddress: return .mappedAddress(try address(xor: false))
        case .xorMappedAddress: return .xorMappedAddress(try address(xor: true))
        case .xorPeerAddress: return .xorPeerAddress(try address(xor: true))
        case .xorRelayedAddress: return .xorRelayedAddress(try address(xor: true))
        case .username: return .username(try text(maxBytes: maxUsernameBytes))
        case .realm: return .realm(try text(maxBytes: maxTextBytes))
        case .nonce: return .nonce(try text(maxBytes: maxTextBytes))
        case .software: return .software(try text(maxBytes: maxTextBytes))
        case .errorCode: return .errorCode(try decodeErrorCode(value))
        case .unknownAttributes:
            guard value.count % 2 == 0 else { throw .malformedAttribute(type) }
            return .unknownAttributes(stride(from: 0, to: value.count, by: 2).map {
                STUNAttributeType(rawValue: value.bigEndianUInt16(at: $0))
            })
        case .channelNumber:
            try word(4)
            return .channelNumber(value.bigEndianUInt16(at: 0))   // then 2 bytes RFFU
        case .lifetime:
            try word(4)
            return .lifetime(value.bigEndianUInt32(at: 0))
        case .data: return .data(Array(value))
        case .requestedTransport:
            try word(4)
            return .requestedTransport(value[value.startIndex])   // then 3 bytes RFFU
        case .priority:
            try word(4)
            return .priority(value.bigEndianUInt32(at: 0))
        case .useCandidate:
            try word(0)
            return .useCandidate
        case .iceControlled:
            try word(8)
            return .iceControlled(tieBreaker: value.bigEndianUInt64(at: 0))
        case .iceControlling:
            try word(8)
            return .iceControlling(tieBreaker: value.bigEndianUInt64(at: 0))
        default:
            return .other(type, Array(value))
        }
    }

    /// Class (3–6) in the low 3 bits of byte 2, number (0–99) in byte 3, then the reason.
    private static func decodeErrorCode(_ value: ArraySlice<UInt8>) throws(STUNParseError) -> STUNErrorCode {
        guard value.count >= 4, value.count - 4 <= maxTextBytes else { throw .malformedAttribute(.errorCode) }
        let errorClass = UInt16(value[value.startIndex + 2] & 0x07)
        let number = UInt16(value[value.startIndex + 3])
        guard (3...6).contains(errorClass), number < 100,
              let reason = String(validating: value.dropFirst(4), as: UTF8.self)
        else { throw .malformedAttribute(.errorCode) }
        return STUNErrorCode(code: errorClass * 100 + number, reason: reason)
    }

    /// The attribute's value bytes (without header or padding).
    func encodedValue(transactionID: STUNTransactionID) -> [UInt8] {
        var out: [UInt8] = []
        switch self {
        case .mappedAddress(let a): return STUNAddressCoding.encode(a, xor: nil)
        case .xorMappedAddress(let a), .xorPeerAddress(let a), .xorRelayedAddress(let a):
            return STUNAddressCoding.encode(a, xor: transactionID)
        case .username(let s), .realm(let s), .nonce(let s), .software(let s): return Array(s.utf8)
        case .errorCode(let e):
            out = [0, 0, UInt8(e.code / 100), UInt8(e.code % 100)]
            out += e.reason.utf8
        case .unknownAttributes(let types): types.forEach { out.appendBigEndian($0.rawValue) }
        case .channelNumber(let n):
            out.appendBigEndian(n)
            out += [0, 0]
        case .lifetime(let seconds): out.appendBigEndian(seconds)
        case .data(let bytes): return bytes
        case .requestedTransport(let proto): out = [proto, 0, 0, 0]
        case .priority(let p): out.appendBigEndian(p)
        case .useCandidate: break
        case .iceControlled(let t), .iceControlling(let t): out.appendBigEndian(t)
        case .other(_, let bytes): return bytes
        }
        return out
    }
}
