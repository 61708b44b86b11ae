import Synchronization
import Vapor

/// Runs ``ServerPresence/sweep(now:on:)`` every ``NodePolicy/sweepInterval`` while the
/// application runs; started when it boots, stopped (and awaited) when it shuts down.
final class ServerPresenceSweeper: LifecycleHandler, Sendable {
    private let presence: ServerPresence
    private let interval: Duration
    private let task = Mutex<Task<Void, Never>?>(nil)

    init(presence: ServerPresence, interval: Duration) {
        self.presence = presence
        self.interval = interval
    }

    /// Synchronous so that both boots (`boot()` and `asyncBoot()`) start it.
    func didBoot(_ application: Application) throws {
        let presence = presence, interval = interval
        let db = application.db
        let logger = application.logger
        let loop = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard !Task.isCancelled else { break }
                do {
                    try await presence.sweep(now: presence.clock.now(), on: db)
                } catch {
                    logger.warning("server presence sweep failed: \(String(describing: error))")
                }
            }
        }
        task.withLock { $0 = loop }
    }

    func shutdown(_ application: Application) {
        task.withLock { $0 }?.cancel()
    }

    func shutdownAsync(_ application: Application) async {
        let loop = task.withLock { $0.take() }
        loop?.cancel()
        await loop?.value
    }
}
