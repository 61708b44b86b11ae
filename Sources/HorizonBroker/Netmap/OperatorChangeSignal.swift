import Fluent
import Foundation
import SQLKit
import Vapor

/// How an operator command — a process of its own next to running brokers — tells them that
/// it changed who may talk to whom, so their waiting nodes hear of it within a second instead
/// of at the end of their long-poll. On PostgreSQL it notifies the brokers' netmap channel
/// (``PostgresNetmapRelay``); on SQLite it rewrites a marker file beside the store, which
/// ``SQLiteChangeMarkerWatcher`` in the broker watches.
enum OperatorChangeSignal {
    /// Announces a change that the command's transactions already committed.
    static func announce(for store: BrokerConfiguration.Store, on db: any Database) async throws {
        switch store {
        case .postgres:
            guard let sql = db as? any SQLDatabase else { return }
            try await sql.raw("SELECT pg_notify(\(bind: PostgresNetmapRelay.channel), \(bind: "operator"))").run()
        case .sqlite(let path):
            try Data(UUID().uuidString.utf8).write(to: URL(fileURLWithPath: markerPath(forStoreAt: path)), options: .atomic)
        }
    }

    /// The marker beside an SQLite store file.
    static func markerPath(forStoreAt path: String) -> String { path + ".netmap-changed" }
}

/// Wakes the broker's netmap waiters whenever an operator command rewrites the SQLite
/// store's change marker. It reads the tiny file a few times a second; a changed content (a
/// fresh UUID per change) is a change, which a file system's coarse timestamps could hide.
enum SQLiteChangeMarkerWatcher {
    static let interval: Duration = .milliseconds(200)

    static func loop(storePath: String, hub: NetmapChangeHub) -> BackgroundLoop {
        let path = OperatorChangeSignal.markerPath(forStoreAt: storePath)
        return BackgroundLoop { _ in
            {
                var seen = FileManager.default.contents(atPath: path)
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    let current = FileManager.default.contents(atPath: path)
                    if current != seen {
                        seen = current
                        hub.wakeWaiters()
                    }
                }
            }
        }
    }
}
