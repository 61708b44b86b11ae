import CHorizonLinux
import Foundation

/// A network namespace made for one test or benchmark and deleted with it (`remove()`,
/// also run on deinit), so a failing test still cleans up. Names are
/// `<prefix>-<pid>-<n>`, unique across concurrently running tests.
public final class NetworkNamespace: @unchecked Sendable {
    public let name: String
    private var removed = false
    nonisolated(unsafe) private static var counter = 0
    private static let lock = NSLock()

    /// True when the process may create namespaces and TUN devices.
    public static var isAvailable: Bool {
        geteuid() == 0 && FileManager.default.fileExists(atPath: "/dev/net/tun")
    }

    public init(prefix: String) throws {
        let n = Self.lock.withLock { Self.counter += 1; return Self.counter }
        name = "\(prefix)-\(getpid())-\(n)"
        try Command.run(["ip", "netns", "add", name])
        try ip("link", "set", "lo", "up")
    }

    deinit { remove() }

    /// `ip -n <name> <arguments>`.
    public func ip(_ arguments: String...) throws {
        try Command.run(["ip", "-n", name] + arguments)
    }

    /// Moves interface `device` (in the caller's namespace) into this one.
    public func adopt(_ device: String) throws {
        try Command.run(["ip", "link", "set", "dev", device, "netns", name])
    }

    /// Runs `body` on a fresh thread that has entered this namespace, and waits for it.
    /// Sockets created there stay in this namespace wherever they are used afterwards.
    public func run<T>(_ body: @escaping @Sendable () throws -> T) throws -> T {
        let outcome = ThreadOutcome<T>()
        let done = DispatchSemaphore(value: 0)
        let path = "/var/run/netns/\(name)"
        let thread = Thread {
            let rc = hz_netns_enter(path)
            outcome.value = rc == 0 ? Result { try body() } : .failure(POSIXError(POSIXErrorCode(rawValue: -rc) ?? .EINVAL))
            done.signal()
        }
        thread.start()
        done.wait()
        return try outcome.value!.get()
    }

    public func remove() {
        guard !removed else { return }
        removed = true
        _ = try? Command.run(["ip", "netns", "del", name])
    }
}

/// Carries a result out of the thread that produced it; the semaphore orders the accesses.
private final class ThreadOutcome<T>: @unchecked Sendable {
    var value: Result<T, any Error>?
}
