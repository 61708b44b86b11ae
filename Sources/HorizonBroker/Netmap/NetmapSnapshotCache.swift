import Foundation
import Synchronization

/// Holds the ``NetmapSnapshot`` of the latest change revision and reads it at most once per
/// revision: callers that ask while it is being read wait for that read (single flight)
/// instead of starting their own.
///
/// A snapshot is reused while the revision is the same and it is younger than ``maxAge``.
/// The revision covers every change made through a broker (``NetmapChangeHub``, also those
/// of other brokers on PostgreSQL); the age bounds what no revision announces: a server's
/// load and heartbeat time (its online test is applied to the heartbeat the snapshot holds),
/// and changes written by an operator command in another process.
final class NetmapSnapshotCache: Sendable {
    static let maxAge: TimeInterval = 1

    private struct Held {
        var revision: UInt64
        var readAt: Date
        var snapshot: NetmapSnapshot
    }

    private struct State {
        var held: Held?
        var reading: (revision: UInt64, startedAt: Date, task: Task<NetmapSnapshot, any Error>)?
    }

    private let state = Mutex(State())

    init() {}

    /// The snapshot for `revision` at `now`, read with `read` if none fits.
    func snapshot(
        revision: UInt64, now: Date, read: @escaping @Sendable () async throws -> NetmapSnapshot
    ) async throws -> NetmapSnapshot {
        enum Next { case ready(NetmapSnapshot), wait(Task<NetmapSnapshot, any Error>) }
        let next = state.withLock { state -> Next in
            if let held = state.held, held.revision == revision, Self.fresh(since: held.readAt, now: now) {
                return .ready(held.snapshot)
            }
            if let reading = state.reading, reading.revision == revision, Self.fresh(since: reading.startedAt, now: now) {
                return .wait(reading.task)
            }
            // Unstructured: a caller that goes away (a closed socket) must not cancel a read others wait for.
            let task = Task { try await read() }
            state.reading = (revision, now, task)
            return .wait(task)
        }
        let task: Task<NetmapSnapshot, any Error>
        switch next {
        case .ready(let snapshot): return snapshot
        case .wait(let reading): task = reading
        }
        do {
            let snapshot = try await task.value
            state.withLock { state in
                guard let reading = state.reading, reading.task == task else { return }
                state.reading = nil
                if (state.held?.revision ?? 0) <= reading.revision {
                    state.held = Held(revision: reading.revision, readAt: reading.startedAt, snapshot: snapshot)
                }
            }
            return snapshot
        } catch {
            state.withLock { state in
                if state.reading?.task == task { state.reading = nil }
            }
            throw error
        }
    }

    private static func fresh(since: Date, now: Date) -> Bool {
        let age = now.timeIntervalSince(since)
        return age >= 0 && age < maxAge
    }
}
