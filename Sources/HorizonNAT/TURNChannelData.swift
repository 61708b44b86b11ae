import HorizonUDP

/// TURN ChannelData (RFC 8656 §12.4) as whole datagrams in arrays, for the TURN client and
/// server cores: the header (`ChannelDataHeader`), then application data; what relayed
/// traffic looks like once a channel is bound, 4 bytes of overhead instead of a 36-byte
/// Send/Data indication.
public enum TURNChannelData {
    public enum ParseError: Error, Hashable, Sendable {
        case tooShort
        case badChannelNumber(UInt16)
        /// The length field says more than the datagram holds, or leaves more than padding.
        case lengthMismatch
    }

    /// The channel and where its data lies in `bytes`. Over UDP the data need not be padded
    /// to 4 bytes, but up to 3 padding bytes are accepted (RFC 8656 §12.5).
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(ParseError) -> (channel: UInt16, data: Range<Int>) {
        guard let header = ChannelDataHeader(fieldsOf: bytes) else { throw .tooShort }
        guard header.hasChannelNumber else { throw .badChannelNumber(header.channel) }
        guard header.matches(datagramSize: bytes.count) else { throw .lengthMismatch }
        return (header.channel, header.data)
    }

    /// The framed datagram; `padded` rounds it to 4 bytes (required over TCP, optional on UDP).
    public static func encode(channel: UInt16, data: [UInt8], padded: Bool = false) -> [UInt8] {
        precondition(ChannelDataHeader.channels.contains(channel) && data.count <= Int(UInt16.max), "bad ChannelData framing")
        var out: [UInt8] = []
        out.reserveCapacity(ChannelDataHeader.size + data.count + 3)
        ChannelDataHeader(channel: channel, length: data.count).append(to: &out)
        out += data
        if padded { out += repeatElement(0, count: (4 - data.count % 4) % 4) }
        return out
    }
}
