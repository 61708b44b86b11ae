/// Names an L2 network inside the WireGuard transport: the 24-bit tag of the Horizon frame
/// header. Tags are chosen by whoever defines the networks (the broker, or the [LAN]
/// sections of a `horizon tunnel` file) and must be the same on every member.
public struct LANNetworkTag: Hashable, Sendable, Comparable, CustomStringConvertible {
    public static let maxValue: UInt32 = 0xFF_FFFF

    public let value: UInt32

    /// Nil when `value` does not fit in 24 bits.
    public init?(_ value: UInt32) {
        guard value <= Self.maxValue else { return nil }
        self.value = value
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.value < rhs.value }

    public var description: String { String(value) }
}
