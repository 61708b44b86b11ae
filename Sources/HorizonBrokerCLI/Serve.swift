import ArgumentParser
import Foundation
import HorizonBroker
import HorizonCore

/// `horizon-broker serve`: migrate the store, create the first admin if needed, serve HTTP.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the broker (the default command).")

    @Option(name: [.customShort("H"), .long], help: "Address to listen on.")
    var hostname = "127.0.0.1"

    @Option(name: .shortAndLong, help: "TCP port to listen on.")
    var port = 8080

    @Option(help: "Log level: \(BrokerProcess.logLevels.joined(separator: ", ")).")
    var logLevel = "info"

    func validate() throws {
        guard (1...65535).contains(port) else { throw ValidationError("--port must be between 1 and 65535") }
        guard BrokerProcess.logLevels.contains(logLevel) else {
            throw ValidationError("--log-level must be one of \(BrokerProcess.logLevels.joined(separator: ", "))")
        }
    }

    func run() async throws {
        let config = try BrokerConfiguration.fromEnvironment()
        try await BrokerProcess.serve(config, hostname: hostname, port: port, logLevel: logLevel) { report in
            printBanner(config: config, report: report)
        }
    }

    private func printBanner(config: BrokerConfiguration, report: Broker.StartupReport) {
        let store: String = switch config.store {
        case .sqlite(let path): "SQLite at \(path)"
        case .postgres: "PostgreSQL (HORIZON_DATABASE_URL)"
        }
        print("Horizon broker \(HorizonVersion.current) — store: \(store)")
        print("Listening on http://\(hostname):\(port)  (health: /health, API: /api/v1, contract: /openapi.json)")
        if let admin = report.createdAdmin {
            if let password = report.generatedAdminPassword {
                print("Created administrator '\(admin)' with password: \(password)")
                print("  This password is shown only once. Set HORIZON_ADMIN_PASSWORD to choose your own on a new store.")
            } else {
                print("Created administrator '\(admin)' with the password from HORIZON_ADMIN_PASSWORD.")
            }
        }
        fflush(nil)  // stdout is block-buffered when redirected; the banner must show now
    }
}
