/// TURN ChannelData (RFC 8656 §12.4) on the device's own socket: a peer whose endpoint is
/// "relay R, channel N" gets its WireGuard datagrams with a 4-byte header (channel, length)
/// in front, sent to R; what R sends back on that channel loses the header again before
/// WireGuard sees it. No proxy socket, no copy: the header goes into headroom the send
/// slots reserve, and a received datagram is only narrowed in place.
public enum RelayChannelFraming {
    public static let headerSize = 4
    /// Room reserved in front of the transport header in every send slot. The header needs
    /// 4 bytes; 16 keep the transport header and the plaintext where they were (16-byte aligned).
    public static let headroom = 16
    /// Channel numbers a TURN server may use (RFC 8656 allows 0x4000–0x4FFF to clients,
    /// RFC 5766 allowed up to 0x7FFF): exactly the datagrams whose first byte is 0x40–0x7F.
    public static let channels: ClosedRange<UInt16> = 0x4000...0x7FFF

    /// The channel and the length of the WireGuard message a ChannelData datagram carries,
    /// or channel 0 when `bytes` is not ChannelData around a WireGuard message (STUN
    /// checks through a channel stay whole, for the NAT traversal handler).
    public static func unwrap(_ bytes: UnsafeRawBufferPointer) -> (channel: UInt16, length: Int) {
        guard bytes.count >= headerSize + 4 else { return (0, 0) }
        let channel = UInt16(bytes[0]) << 8 | UInt16(bytes[1])
        guard channels.contains(channel) else { return (0, 0) }
        let length = Int(bytes[2]) << 8 | Int(bytes[3])
        // Over UDP the data may be padded to 4 bytes, never cut short.
        guard (0...3).contains(bytes.count - headerSize - length), length >= 4 else { return (0, 0) }
        // A WireGuard message: type 1–4, then three reserved zero bytes.
        guard (1...4).contains(bytes[4]), bytes[5] == 0, bytes[6] == 0, bytes[7] == 0 else { return (0, 0) }
        return (channel, length)
    }

    /// Writes the header for `length` bytes of data on `channel` into the `headerSize`
    /// bytes before `data` and returns the framed datagram.
    public static func frame(_ data: UnsafeMutableRawPointer, length: Int, channel: UInt16) -> UnsafeRawBufferPointer {
        let start = data - headerSize
        start.storeBytes(of: channel.bigEndian, toByteOffset: 0, as: UInt16.self)
        start.storeBytes(of: UInt16(truncatingIfNeeded: length).bigEndian, toByteOffset: 2, as: UInt16.self)
        return UnsafeRawBufferPointer(start: start, count: headerSize + length)
    }

    /// The header for `length` bytes on `channel`, appended to `out` (the handshake thread's arena).
    public static func appendHeader(channel: UInt16, length: Int, to out: inout [UInt8]) {
        out += [UInt8(channel >> 8), UInt8(channel & 0xFF), UInt8(truncatingIfNeeded: length >> 8), UInt8(truncatingIfNeeded: length)]
    }
}
