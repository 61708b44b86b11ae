/// The fixed 20 bytes at the start of every STUN message, checked on their own so a
/// responder can answer a request whose attributes are bad (400) and so the parser
/// stops early on anything that is not STUN.
public struct STUNHeader: Hashable, Sendable {
    public var type: STUNMessageType
    /// Bytes of attributes after the header.
    public var length: Int
    public var transactionID: STUNTransactionID

    /// Checks the top bits, the magic cookie and that the length matches `bytes` exactly
    /// (over UDP a STUN message is the whole datagram).
    public static func parse(_ bytes: some Collection<UInt8>) throws(STUNParseError) -> STUNHeader {
        let array = Array(bytes.prefix(STUNMessage.headerSize))
        guard array.count == STUNMessage.headerSize else { throw .tooShort }
        guard let type = STUNMessageType(rawValue: array.bigEndianUInt16(at: 0)),
              array.bigEndianUInt32(at: 4) == STUNMessage.magicCookie
        else { throw .notSTUN }
        let length = Int(array.bigEndianUInt16(at: 2))
        guard length % 4 == 0, length + STUNMessage.headerSize == bytes.count else { throw .lengthMismatch }
        return STUNHeader(type: type, length: length, transactionID: STUNTransactionID(bytes: array[8..<20])!)
    }
}
