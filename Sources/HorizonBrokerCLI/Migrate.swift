import ArgumentParser
import HorizonBroker

/// `horizon-broker migrate`: bring the store's schema up to date, then exit.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply pending database migrations and exit (serve also does this at start).")

    func run() async throws {
        let config = try BrokerConfiguration.fromEnvironment()
        try await BrokerProcess.migrate(config)
        print("Store is up to date (\(config.store.name)).")
    }
}
