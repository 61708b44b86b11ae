import HorizonUDP

/// TURN ChannelData (RFC 8656 §12.4) on the device's own socket: a peer whose endpoint is
/// "relay R, channel N" gets its WireGuard datagrams with a 4-byte header (channel, length)
/// in front, sent to R; what R sends back on that channel loses the header again before
/// WireGuard sees it. No proxy socket, no copy: the header (`ChannelDataHeader`) goes into
/// headroom the send slots reserve, and a received datagram is only narrowed in place.
public enum RelayChannelFraming {
    /// Room reserved in front of the transport header in every send slot. The header needs
    /// 4 bytes; 16 keep the transport header and the plaintext where they were (16-byte aligned).
    public static let headroom = 16

    /// The header of a ChannelData datagram around a WireGuard message, or nil for anything
    /// else (STUN checks through a channel stay whole, for the NAT traversal handler).
    @inlinable
    public static func unwrap(_ bytes: UnsafeRawBufferPointer) -> ChannelDataHeader? {
        guard let header = ChannelDataHeader(validating: bytes), header.length >= 4 else { return nil }
        // A WireGuard message: type 1–4, then three reserved zero bytes.
        guard (1...4).contains(bytes[4]), bytes[5] == 0, bytes[6] == 0, bytes[7] == 0 else { return nil }
        return header
    }

    /// Writes the header for `length` bytes of data on `channel` into the header's size of
    /// bytes before `data` and returns the framed datagram.
    @inlinable
    public static func frame(_ data: UnsafeMutableRawPointer, length: Int, channel: UInt16) -> UnsafeRawBufferPointer {
        let start = data - ChannelDataHeader.size
        ChannelDataHeader(channel: channel, length: length).write(to: start)
        return UnsafeRawBufferPointer(start: start, count: ChannelDataHeader.size + length)
    }
}

extension RelayChannelFraming {
    /// The receive loop's first pass over a batch: strips the header off the WireGuard
    /// messages a relay forwarded among the first `count` datagrams, in place, and notes
    /// each datagram's channel in `channels` (0: not relayed), so the sender's endpoint
    /// becomes "relay, channel". Public for HorizonRelayUnwrapBench, which times it.
    public static func unwrapRelayed(_ batch: UDPReceiveBatch, count: Int, channels: UnsafeMutablePointer<UInt16>) {
        for i in 0..<count {
            guard let header = unwrap(UnsafeRawBufferPointer(batch.datagram(i).bytes)) else {
                channels[i] = 0
                continue
            }
            channels[i] = header.channel
            batch.narrow(i, to: header.data)
        }
    }
}
