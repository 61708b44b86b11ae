import Foundation
import Synchronization

/// Tells waiting nodes that netmaps may have changed. Every change that alters who may talk
/// to whom (a node approved, suspended, revoked, enrolled or removed; its endpoints or
/// addresses changed) calls ``publish()`` after its transaction commits; long-polls and
/// watchers wait with ``waitForChange(after:timeout:)`` and then recompute their netmap.
///
/// The revision only orders changes inside this process; nodes compare netmap contents, not
/// revisions, so a restart that starts counting again is harmless.
///
/// With several brokers on one PostgreSQL store, ``PostgresNetmapRelay`` forwards each
/// ``publish()`` to the other brokers, which call ``wakeWaiters()``. On SQLite (one broker)
/// changes stay in this process.
final class NetmapChangeHub: Sendable {
    private struct State {
        var revision: UInt64 = 0
        var waiters: [UUID: CheckedContinuation<UInt64, Never>] = [:]
    }

    private let state = Mutex(State())
    /// Where ``publish()`` also announces a change (to other brokers), if anywhere.
    private let forward = Mutex<(@Sendable () -> Void)?>(nil)

    init() {}

    var revision: UInt64 { state.withLock { $0.revision } }

    /// Records a change made by this broker, wakes every waiter and tells other brokers.
    func publish() {
        wakeWaiters()
        forward.withLock { $0 }?()
    }

    /// Sends every later ``publish()`` to `announce` as well.
    func forwardPublishes(to announce: @escaping @Sendable () -> Void) {
        forward.withLock { $0 = announce }
    }

    /// Records a change (made here or announced by another broker) and wakes every waiter.
    func wakeWaiters() {
        let (revision, woken) = state.withLock { state -> (UInt64, [CheckedContinuation<UInt64, Never>]) in
            state.revision += 1
            defer { state.waiters.removeAll() }
            return (state.revision, Array(state.waiters.values))
        }
        for waiter in woken { waiter.resume(returning: revision) }
    }

    /// Returns the current revision as soon as it is past `after`, or when `timeout` ends
    /// (or the task is cancelled), whichever comes first.
    func waitForChange(after: UInt64, timeout: Duration) async -> UInt64 {
        let id = UUID()
        let timer = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            self?.wake(id)
        }
        defer { timer.cancel() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let current = state.withLock { state -> UInt64? in
                    if state.revision > after { return state.revision }
                    state.waiters[id] = continuation
                    return nil
                }
                if let current { continuation.resume(returning: current) }
            }
        } onCancel: {
            wake(id)
        }
    }

    /// Resumes one waiter with the current revision, if it is still waiting.
    private func wake(_ id: UUID) {
        let (revision, waiter) = state.withLock { state in (state.revision, state.waiters.removeValue(forKey: id)) }
        waiter?.resume(returning: revision)
    }
}
