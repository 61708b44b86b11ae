import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import SQLKit
import Vapor

enum DatabaseSetup {
    /// How long an SQLite connection waits for another process's write lock (the operator
    /// CLI next to a running broker) before giving up.
    static let sqliteBusyTimeoutMilliseconds = 5000

    /// PostgreSQL connections each event loop may open (on demand). One, Fluent's default,
    /// queues every request of a loop behind the one query in flight; a few let reads
    /// overlap a heartbeat batch being written, at a small cost per broker on the server's
    /// `max_connections`.
    static let postgresConnectionsPerEventLoop = 4

    /// How long a request waits for a pooled connection before it is answered `503
    /// store_busy`. Fluent's 10 s turned bursts on a loaded two-core host (eight racing
    /// SQLite enrollments, each waiting for the one writer) into failures.
    static let connectionPoolTimeout: TimeAmount = .seconds(30)

    /// Registers the configured store as the default database and all migrations.
    static func configure(_ app: Application, store: BrokerConfiguration.Store) throws {
        switch store {
        case .sqlite(let path):
            let dir = (path as NSString).deletingLastPathComponent
            do {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            } catch {
                throw BrokerConfigurationError.cannotCreateDataDirectory(dir, error.localizedDescription)
            }
            app.databases.use(.sqlite(.file(path), connectionPoolTimeout: connectionPoolTimeout), as: .sqlite)
        case .postgres(let url):
            app.databases.use(
                .postgres(configuration: try SQLPostgresConfiguration(url: url), maxConnectionsPerEventLoop: postgresConnectionsPerEventLoop,
                          connectionPoolTimeout: connectionPoolTimeout),
                as: .psql)
        }
        Migrations.register(on: app)
    }

    /// SQLite only: write-ahead logging, so readers (the CLI) and the broker's writer do not
    /// block each other; `synchronous = NORMAL`, which in WAL mode syncs at checkpoints
    /// rather than on every commit (a crashed broker loses nothing; a power loss may undo the
    /// last commits but never corrupts the file), which heartbeat rates need; and a busy
    /// timeout on every connection. Fluent keeps one connection per event loop, so touching
    /// each loop's database reaches them all.
    static func prepareConnections(_ app: Application, store: BrokerConfiguration.Store) async throws {
        guard case .sqlite = store else { return }
        for eventLoop in app.eventLoopGroup.makeIterator() {
            guard let sql = app.databases.database(logger: app.logger, on: eventLoop) as? any SQLDatabase else { continue }
            try await sql.raw("PRAGMA busy_timeout = \(unsafeRaw: String(sqliteBusyTimeoutMilliseconds))").run()
            try await sql.raw("PRAGMA journal_mode = WAL").run()
            try await sql.raw("PRAGMA synchronous = NORMAL").run()
        }
    }
}
