import HorizonBroker
import Vapor

/// Creates a production-mode Vapor application around `body` and always shuts it down.
/// Production mode keeps request details out of error bodies.
enum BrokerApplication {
    static func run(logLevel: Logger.Level, _ body: (Application) async throws -> Void) async throws {
        var env = Environment.production
        env.arguments = ["horizon-broker", "serve"]
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = logLevel
            return handler
        }
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
