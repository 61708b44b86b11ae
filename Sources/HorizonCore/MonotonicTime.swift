#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A point on the monotonic clock, in nanoseconds since an unspecified origin.
///
/// Protocol engines take this as a parameter instead of reading a clock, so tests can drive
/// them with a manual clock and replay exact timings.
public struct MonotonicTime: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var nanoseconds: UInt64

    public init(nanoseconds: UInt64) { self.nanoseconds = nanoseconds }

    public static let zero = MonotonicTime(nanoseconds: 0)

    /// Reads CLOCK_MONOTONIC. Only the I/O layers call this; engines never do.
    public static func now() -> MonotonicTime {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return MonotonicTime(nanoseconds: UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec))
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    public static func + (lhs: Self, rhs: Duration) -> Self {
        MonotonicTime(nanoseconds: UInt64(Int64(lhs.nanoseconds) + rhs.totalNanoseconds))
    }

    /// Time elapsed from `earlier` to `self`; zero if `earlier` is later.
    public func since(_ earlier: MonotonicTime) -> Duration {
        guard nanoseconds >= earlier.nanoseconds else { return .zero }
        return .nanoseconds(Int64(nanoseconds - earlier.nanoseconds))
    }

    public var description: String { "\(Double(nanoseconds) / 1e9)s" }
}

extension Duration {
    /// Whole nanoseconds (saturating at Int64 range, which is 292 years).
    public var totalNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
