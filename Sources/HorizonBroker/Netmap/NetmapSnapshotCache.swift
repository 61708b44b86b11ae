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
///
/// From ``renewAfter`` on, a caller that finds the snapshot still fresh gets it at once and
/// starts a read in the background, so while nodes keep asking, a snapshot is renewed before
/// it expires and no fetch waits for a read that no change called for (it used to be one
/// fetch a second, 20–30 ms slower than the rest, on a map of 1,000 peers).
final class NetmapSnapshotCache: Sendable {
    static let maxAge: TimeInterval = 1
    static let renewAfter: TimeInterval = 0.75

    private struct Held {
        var revision: UInt64
        var readAt: Date
        var snapshot: NetmapSnapshot
    }

    private struct Reading {
        var id: UInt64
        var revision: UInt64
        var startedAt: Date
        var task: Task<NetmapSnapshot, any Error>
    }

    private struct State {
        var held: Held?
        var reading: Reading?
        var lastReadID: UInt64 = 0
    }

    private let state = Mutex(State())

    init() {}

    /// Reads a snapshot; given the one held at the same revision, when there is one, to renew.
    typealias Read = @Sendable (_ renewing: NetmapSnapshot?) async throws -> NetmapSnapshot

    /// The snapshot for `revision` at `now`, read with `read` if none fits.
    func snapshot(revision: UInt64, now: Date, read: @escaping Read) async throws -> NetmapSnapshot {
        enum Next { case ready(NetmapSnapshot), wait(Task<NetmapSnapshot, any Error>) }
        let next = state.withLock { state -> Next in
            if let held = state.held, held.revision == revision, let age = Self.age(since: held.readAt, now: now), age < Self.maxAge {
                if age >= Self.renewAfter, state.reading?.revision != revision {
                    startRead(revision: revision, now: now, read: read, in: &state)
                }
                return .ready(held.snapshot)
            }
            if let reading = state.reading, reading.revision == revision,
               let age = Self.age(since: reading.startedAt, now: now), age < Self.maxAge {
                return .wait(reading.task)
            }
            return .wait(startRead(revision: revision, now: now, read: read, in: &state))
        }
        switch next {
        case .ready(let snapshot): return snapshot
        case .wait(let task): return try await task.value
        }
    }

    /// Starts a read that keeps its snapshot when it is done, whether anyone waits for it or
    /// not. Unstructured: a caller that goes away (a closed socket) must not cancel a read
    /// others wait for.
    @discardableResult
    private func startRead(revision: UInt64, now: Date, read: @escaping Read, in state: inout State) -> Task<NetmapSnapshot, any Error> {
        state.lastReadID += 1
        let id = state.lastReadID
        let renewing = state.held.flatMap { $0.revision == revision ? $0.snapshot : nil }
        let task = Task {
            do {
                let snapshot = try await read(renewing)
                self.keep(snapshot, readID: id, revision: revision, readAt: now)
                return snapshot
            } catch {
                self.state.withLock { state in
                    if state.reading?.id == id { state.reading = nil }
                }
                throw error
            }
        }
        state.reading = Reading(id: id, revision: revision, startedAt: now, task: task)
        return task
    }

    private func keep(_ snapshot: NetmapSnapshot, readID: UInt64, revision: UInt64, readAt: Date) {
        state.withLock { state in
            if state.reading?.id == readID { state.reading = nil }
            // A read that started earlier and finished later does not replace a newer one.
            if let held = state.held, (held.revision, held.readAt) > (revision, readAt) { return }
            state.held = Held(revision: revision, readAt: readAt, snapshot: snapshot)
        }
    }

    /// How long before `now` a snapshot was read; nil for one "read" after it (a clock that stepped back).
    private static func age(since: Date, now: Date) -> TimeInterval? {
        let age = now.timeIntervalSince(since)
        return age >= 0 ? age : nil
    }
}
