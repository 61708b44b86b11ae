/// The 4-byte header of TURN ChannelData (RFC 8656 §12.4): channel number, then the length
/// of the data that follows, both big-endian. Read and written in place through pointers,
/// because the device's packet path frames and unwraps relayed WireGuard in its batch
/// buffers; the TURN client, server and relay (HorizonNAT) use the same code.
///
/// It lives in HorizonUDP rather than HorizonCore: it is a framing of UDP datagrams (the
/// padding rule below is the one for UDP, §12.5), every user of it sends on these sockets,
/// and HorizonCore's value types stay free of protocol wire formats.
public struct ChannelDataHeader: Hashable, Sendable {
    public static let size = 4
    /// Channel numbers ChannelData may carry: RFC 8656 grants 0x4000–0x4FFF, RFC 5766 went up
    /// to 0x7FFF and older servers still use those, so all are read. Exactly the datagrams
    /// whose first byte is 0x40–0x7F, which is how they are told from STUN and WireGuard.
    public static let channels: ClosedRange<UInt16> = 0x4000...0x7FFF
    /// Channel numbers a client binds and a server grants (RFC 8656 §12).
    public static let bindableChannels: ClosedRange<UInt16> = 0x4000...0x4FFF

    public var channel: UInt16
    /// Bytes of data after the header, padding not counted.
    public var length: Int

    @inlinable
    public init(channel: UInt16, length: Int) {
        self.channel = channel
        self.length = length
    }

    /// The two fields as the first 4 bytes of `bytes` hold them, checking nothing else;
    /// nil when there are fewer than 4.
    @inlinable
    public init?(fieldsOf bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= Self.size, let base = bytes.baseAddress else { return nil }
        channel = UInt16(bigEndian: base.loadUnaligned(as: UInt16.self))
        length = Int(UInt16(bigEndian: base.loadUnaligned(fromByteOffset: 2, as: UInt16.self)))
    }

    /// The header of `bytes` when they are a whole ChannelData datagram: a channel number in
    /// `channels`, and the data filling the datagram up to at most 3 bytes of padding
    /// (optional over UDP, so never required). Nil for anything else.
    @inlinable
    public init?(validating bytes: UnsafeRawBufferPointer) {
        guard let header = Self(fieldsOf: bytes), header.hasChannelNumber, header.matches(datagramSize: bytes.count) else { return nil }
        self = header
    }

    @inlinable
    public var hasChannelNumber: Bool { Self.channels.contains(channel) }

    /// Whether header, data and 0–3 padding bytes make up exactly `size` bytes.
    @inlinable
    public func matches(datagramSize size: Int) -> Bool {
        (0...3).contains(size - Self.size - length)
    }

    /// Where the data lies in the datagram.
    @inlinable
    public var data: Range<Int> { Self.size..<(Self.size + length) }

    /// Writes the header into the 4 bytes at `start`. The length must fit the 16-bit field.
    @inlinable
    public func write(to start: UnsafeMutableRawPointer) {
        precondition(length >= 0 && length <= Int(UInt16.max), "ChannelData longer than its length field")
        start.storeBytes(of: channel.bigEndian, as: UInt16.self)
        start.storeBytes(of: UInt16(truncatingIfNeeded: length).bigEndian, toByteOffset: 2, as: UInt16.self)
    }

    /// Appends the header to `bytes` (callers building a datagram in an array).
    public func append(to bytes: inout [UInt8]) {
        let end = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: Self.size))
        bytes.withUnsafeMutableBytes { write(to: $0.baseAddress! + end) }
    }
}
