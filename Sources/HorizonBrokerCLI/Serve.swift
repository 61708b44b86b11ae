import ArgumentParser
import HorizonBroker
import Vapor

/// `horizon-broker serve`: migrate the store, create the first admin if needed, serve HTTP.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the broker (the default command).")

    @Option(name: [.customShort("H"), .long], help: "Address to listen on.")
    var hostname = "127.0.0.1"

    @Option(name: .shortAndLong, help: "TCP port to listen on.")
    var port = 8080

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    func validate() throws {
        guard (1...65535).contains(port) else { throw ValidationError("--port must be between 1 and 65535") }
    }

    func run() async throws {
        let config = try BrokerConfiguration.fromEnvironment()
        try await BrokerApplication.run(logLevel: logLevel) { app in
            let report = try await Broker.configure(app, config)
            app.http.server.configuration.hostname = hostname
            app.http.server.configuration.port = port
            printBanner(config: config, report: report)
            try await app.execute()
        }
    }

    private func printBanner(config: BrokerConfiguration, report: Broker.StartupReport) {
        let store: String = switch config.store {
        case .sqlite(let path): "SQLite at \(path)"
        case .postgres: "PostgreSQL (HORIZON_DATABASE_URL)"
        }
        print("Horizon broker \(HorizonVersion.current) — store: \(store)")
        print("Listening on http://\(hostname):\(port)  (health: /health)")
        if let admin = report.createdAdmin {
            if let password = report.generatedAdminPassword {
                print("Created administrator '\(admin)' with password: \(password)")
                print("  This password is shown only once. Set HORIZON_ADMIN_PASSWORD to choose your own on a new store.")
            } else {
                print("Created administrator '\(admin)' with the password from HORIZON_ADMIN_PASSWORD.")
            }
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
