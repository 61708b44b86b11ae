import Vapor

/// Runs ``ServerPresence/sweep(now:on:)`` every ``NodePolicy/sweepInterval`` while the
/// application runs.
enum ServerPresenceSweeper {
    static func loop(presence: ServerPresence, interval: Duration) -> BackgroundLoop {
        BackgroundLoop { application in
            let db = application.db
            let logger = application.logger
            return {
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
        }
    }
}
