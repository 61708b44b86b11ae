/// Exactly 32 bytes stored inline (no heap allocation): the shape of every WireGuard key.
///
/// Stored as four words in memory order so that `Hashable` and `==` come for free and a
/// key can live inside hot-path structures without reference counting.
public struct Bytes32: Hashable, Sendable {
    private var storage: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    public static let count = 32
    public static let zero = Bytes32()

    public init() {}

    /// Copies exactly 32 bytes; returns nil for any other length.
    public init?<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        guard bytes.count == Self.count else { return nil }
        withUnsafeMutableBytes { dst in
            for (i, b) in bytes.enumerated() { dst[i] = b }
        }
    }

    /// Copies 32 bytes from a raw pointer (caller guarantees they are readable).
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

    public static func == (lhs: Bytes32, rhs: Bytes32) -> Bool {
        lhs.storage.0 == rhs.storage.0 && lhs.storage.1 == rhs.storage.1
            && lhs.storage.2 == rhs.storage.2 && lhs.storage.3 == rhs.storage.3
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(storage.0); hasher.combine(storage.1)
        hasher.combine(storage.2); hasher.combine(storage.3)
    }

    /// Compares without an early exit, so the time taken does not depend on where two
    /// secrets first differ.
    public func constantTimeEquals(_ other: Bytes32) -> Bool {
        let diff = (storage.0 ^ other.storage.0) | (storage.1 ^ other.storage.1)
            | (storage.2 ^ other.storage.2) | (storage.3 ^ other.storage.3)
        return diff == 0
    }
}
