import Logging
import NIOCore
import NIOPosix
import Vapor

/// Runs the broker as a process (`horizon-broker serve` / `migrate`) in Vapor's production
/// mode, which keeps request details out of error bodies.
public enum BrokerProcess {
    public static let logLevels = Logger.Level.allCases.map(\.rawValue)

    /// Migrates, bootstraps the admin, calls `announce` with what the operator must see,
    /// then serves until SIGINT/SIGTERM.
    public static func serve(
        _ config: BrokerConfiguration, hostname: String, port: Int, logLevel: String,
        announce: (Broker.StartupReport) -> Void
    ) async throws {
        // Async handlers then run on the event loops that read and write their connections,
        // not on Swift's own thread pool: two hops and two sets of threads fewer per request
        // on a small machine. Nothing in the broker blocks a thread of the global executor
        // (bcrypt and SQLite have their thread pool). Tests keep the default executor.
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        try await withApplication(logLevel: logLevel) { app in
            let report = try await Broker.configure(app, config)
            app.http.server.configuration.hostname = hostname
            app.http.server.configuration.port = port
            announce(report)
            try await app.execute()
        }
    }

    public static func migrate(_ config: BrokerConfiguration) async throws {
        try await withApplication(logLevel: "notice") { app in
            try await Broker.migrate(app, config)
        }
    }

    private static func withApplication(logLevel: String, _ body: (Application) async throws -> Void) async throws {
        var env = Environment.production
        env.arguments = ["horizon-broker", "serve"]
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in LazyMetadataLogHandler(label: label, level: level) }
        let app = try await Application.make(env)
        do {
            try await body(app)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }
}
