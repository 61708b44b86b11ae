import Foundation

/// Counts failed logins per key in a sliding window, in this broker's memory. Keys are a
/// source address, and a username together with a source address; a key over its limit
/// is refused until enough of its failures age out of the window.
///
/// Memory stays bounded: a key's failures older than the window are dropped whenever the
/// key is touched, and once the table is large every stale key is swept.
final class LoginRateLimiter: @unchecked Sendable {
    private let window: TimeInterval
    private let lock = NSLock()
    private var failures: [String: [Date]] = [:]
    private static let sweepThreshold = 10_000

    init(window: TimeInterval) {
        self.window = window
    }

    /// Seconds until `key` may try again, or nil when it is under `limit`.
    func retryAfter(_ key: String, limit: Int, now: Date) -> Int? {
        lock.withLock {
            let recent = prune(key, now: now)
            guard recent.count >= limit else { return nil }
            // The oldest failure that must age out for the key to fall below the limit.
            let freeing = recent[recent.count - limit]
            return max(1, Int((freeing.addingTimeInterval(window).timeIntervalSince(now)).rounded(.up)))
        }
    }

    func recordFailure(_ key: String, now: Date) {
        lock.withLock {
            var recent = prune(key, now: now)
            recent.append(now)
            failures[key] = recent
            if failures.count > Self.sweepThreshold { sweep(now: now) }
        }
    }

    /// Forgets `key` (after a successful login from that username and address).
    func reset(_ key: String) {
        lock.withLock { _ = failures.removeValue(forKey: key) }
    }

    private func prune(_ key: String, now: Date) -> [Date] {
        guard let list = failures[key] else { return [] }
        let recent = list.filter { now.timeIntervalSince($0) < window }
        failures[key] = recent.isEmpty ? nil : recent
        return recent
    }

    private func sweep(now: Date) {
        failures = failures.filter { _, list in list.contains { now.timeIntervalSince($0) < window } }
    }

    static func addressKey(_ address: String) -> String { "addr:\(address)" }
    static func userKey(_ username: String, _ address: String) -> String { "user:\(username.lowercased())|\(address)" }
}
