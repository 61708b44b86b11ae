#if canImport(Glibc)
import Glibc
#endif
import HorizonCore
import HorizonCrypto

/// The real-time clock, which only the device reads: for initiation timestamps and for
/// turning the engine's monotonic handshake times into the wall-clock times `wg` shows.
enum WallClock {
    static func now() -> Duration {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return .seconds(Int64(ts.tv_sec)) + .nanoseconds(Int64(ts.tv_nsec))
    }

    static func timestamp() -> TAI64N {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return TAI64N(unixSeconds: Int64(ts.tv_sec), nanoseconds: UInt32(ts.tv_nsec))
    }

    /// The wall-clock time of a past monotonic instant.
    static func wallTime(of instant: MonotonicTime, now: MonotonicTime) -> Duration {
        Self.now() - now.since(instant)
    }
}
