import Synchronization

/// Runs requests in groups: while one group is being worked on, the requests that arrive
/// wait and go together in the next, one call of `work` for up to `maxBatch` of them. Each
/// caller still returns only with its own result.
///
/// Why: the broker's frequent node calls each need one small statement (a credential
/// lookup, a heartbeat row). As one statement per group, 64 concurrent nodes cost a few
/// round trips and thread hops instead of 64, and on SQLite one writer at a time never
/// contends with another for the write lock.
final class GroupedWork<Input: Sendable, Output: Sendable>: Sendable {
    /// Answers a group: one output per input, in order; a throw fails the whole group.
    typealias Work = @Sendable ([Input]) async throws -> [Output]

    private struct Pending {
        var input: Input
        var done: CheckedContinuation<Output, any Error>
    }

    private struct State {
        var pending: [Pending] = []
        var working = false
    }

    let maxBatch: Int
    private let state = Mutex(State())

    init(maxBatch: Int) {
        self.maxBatch = maxBatch
    }

    /// `input`'s output, worked on with whatever else is waiting. `work` is the caller's way
    /// to answer a group; the caller that finds no group running starts one with its own.
    func submit(_ input: Input, work: @escaping Work) async throws -> Output {
        try await withCheckedThrowingContinuation { done in
            let start = state.withLock { state in
                state.pending.append(Pending(input: input, done: done))
                defer { state.working = true }
                return !state.working
            }
            if start { Task { await self.workUntilDrained(work) } }
        }
    }

    private func workUntilDrained(_ work: Work) async {
        while true {
            let batch = state.withLock { state -> [Pending] in
                let batch = Array(state.pending.prefix(maxBatch))
                state.pending.removeFirst(batch.count)
                if batch.isEmpty { state.working = false }
                return batch
            }
            guard !batch.isEmpty else { return }
            do {
                let outputs = try await work(batch.map(\.input))
                precondition(outputs.count == batch.count, "a group's work answers every input")
                for (pending, output) in zip(batch, outputs) { pending.done.resume(returning: output) }
            } catch {
                for pending in batch { pending.done.resume(throwing: error) }
            }
        }
    }
}
