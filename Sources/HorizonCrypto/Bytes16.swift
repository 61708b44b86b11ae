/// Exactly 16 bytes stored inline: the size of a WireGuard MAC, cookie and Poly1305 tag.
public struct Bytes16: Hashable, Sendable, BytesView {
    private var storage: (UInt64, UInt64) = (0, 0)

    public static let count = 16
    public static let zero = Bytes16()

    public init() {}

    /// Copies exactly 16 bytes; returns nil for any other length.
    public init?<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        guard bytes.count == Self.count else { return nil }
        withUnsafeMutableBytes { dst in
            for (i, b) in bytes.enumerated() { dst[i] = b }
        }
    }

    /// Copies 16 bytes from a raw pointer (caller guarantees they are readable).
    public init(copying source: UnsafeRawPointer) {
        withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(start: source, count: Self.count)) }
    }

    public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

    public var isZero: Bool { self == .zero }

    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try Swift.withUnsafeBytes(of: storage, body)
    }

    public mutating func withUnsafeMutableBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R {
        try Swift.withUnsafeMutableBytes(of: &storage, body)
    }

    public static func == (lhs: Bytes16, rhs: Bytes16) -> Bool {
        lhs.storage.0 == rhs.storage.0 && lhs.storage.1 == rhs.storage.1
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(storage.0); hasher.combine(storage.1)
    }

    /// Compares without an early exit, for MACs received from the network.
    public func constantTimeEquals(_ other: Bytes16) -> Bool {
        ((storage.0 ^ other.storage.0) | (storage.1 ^ other.storage.1)) == 0
    }
}
