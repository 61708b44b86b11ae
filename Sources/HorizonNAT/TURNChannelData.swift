/// TURN ChannelData framing (RFC 8656 §12.4): channel number (2 bytes), length (2 bytes),
/// application data; what relayed traffic looks like once a channel is bound, 4 bytes of
/// overhead instead of a 36-byte Send/Data indication.
public enum TURNChannelData {
    /// Numbers a client may bind. RFC 8656 allows 0x4000–0x4FFF; RFC 5766 allowed up to
    /// 0x7FFF, which older servers still use, so both are read.
    public static let channelNumbers: ClosedRange<UInt16> = 0x4000...0x7FFF
    public static let headerSize = 4

    public enum ParseError: Error, Hashable, Sendable {
        case tooShort
        case badChannelNumber(UInt16)
        /// The length field says more than the datagram holds, or leaves more than padding.
        case lengthMismatch
    }

    /// The channel and where its data lies in `bytes`. Over UDP the data need not be padded
    /// to 4 bytes, but up to 3 padding bytes are accepted (RFC 8656 §12.5).
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(ParseError) -> (channel: UInt16, data: Range<Int>) {
        guard bytes.count >= headerSize else { throw .tooShort }
        let channel = UInt16(bytes[0]) << 8 | UInt16(bytes[1])
        guard channelNumbers.contains(channel) else { throw .badChannelNumber(channel) }
        let length = Int(UInt16(bytes[2]) << 8 | UInt16(bytes[3]))
        let extra = bytes.count - headerSize - length
        guard (0...3).contains(extra) else { throw .lengthMismatch }
        return (channel, headerSize..<(headerSize + length))
    }

    /// The framed datagram; `padded` rounds it to 4 bytes (required over TCP, optional on UDP).
    public static func encode(channel: UInt16, data: [UInt8], padded: Bool = false) -> [UInt8] {
        precondition(channelNumbers.contains(channel) && data.count <= Int(UInt16.max), "bad ChannelData framing")
        var out: [UInt8] = []
        out.reserveCapacity(headerSize + data.count + 3)
        out.appendBigEndian(channel)
        out.appendBigEndian(UInt16(data.count))
        out += data
        if padded { out += repeatElement(0, count: (4 - data.count % 4) % 4) }
        return out
    }
}
