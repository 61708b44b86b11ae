/// A TAI64N timestamp (12 bytes: big-endian seconds label, big-endian nanoseconds), which
/// WireGuard puts in each handshake initiation so a responder can refuse replays.
///
/// Built from a wall-clock time passed in by the caller; nothing here reads a clock.
/// Ordering is numeric, which equals the byte order of the encoding.
public struct TAI64N: Hashable, Sendable, Comparable {
    public static let size = 12
    /// 2^62 marks the TAI64 epoch label; the 10 is TAI-UTC at 1970, the offset that
    /// wireguard-go and the Linux kernel both add.
    static let unixEpochLabel: UInt64 = 0x4000_0000_0000_000A

    public let seconds: UInt64
    public let nanoseconds: UInt32

    /// From seconds and nanoseconds since the Unix epoch (UTC). `nanoseconds` must be < 1e9.
    public init(unixSeconds: Int64, nanoseconds: UInt32) {
        precondition(nanoseconds < 1_000_000_000, "nanoseconds must be below one second")
        seconds = Self.unixEpochLabel &+ UInt64(bitPattern: unixSeconds)
        self.nanoseconds = nanoseconds
    }

    /// Decodes 12 bytes; nil for any other length.
    public init?(_ bytes: some Collection<UInt8>) {
        guard bytes.count == Self.size else { return nil }
        let array = Array(bytes)
        seconds = array[0..<8].reduce(0) { $0 << 8 | UInt64($1) }
        nanoseconds = array[8..<12].reduce(0) { $0 << 8 | UInt32($1) }
    }

    private init(seconds: UInt64, nanoseconds: UInt32) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    public var bytes: [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: seconds >> (56 - 8 * $0)) }
            + (0..<4).map { UInt8(truncatingIfNeeded: nanoseconds >> (24 - 8 * $0)) }
    }

    /// The same instant with the low 24 bits of the nanoseconds cleared (about 16.8 ms of
    /// precision dropped), so initiations do not reveal the sender's clock finely. That
    /// granularity stays below the 20 ms a responder enforces between initiations.
    public var whitened: TAI64N {
        TAI64N(seconds: seconds, nanoseconds: nanoseconds & ~0x00FF_FFFF)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.seconds, lhs.nanoseconds) < (rhs.seconds, rhs.nanoseconds)
    }
}
