import ArgumentParser
import HorizonCore

@main
struct HorizonBrokerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "horizon-broker",
        abstract: "Horizon broker: the control plane for servers, clients and virtual networks.",
        discussion: """
            The store is chosen by the environment, for every subcommand:
              HORIZON_DATABASE_URL    postgres://user:pass@host:5432/db (production, several brokers)
              HORIZON_DATA_DIR        directory of the embedded SQLite store (default ./horizon-data)
              HORIZON_ADMIN_PASSWORD  password of the first `admin` account (generated if unset)
            """,
        version: HorizonVersion.current,
        subcommands: [Serve.self, Migrate.self],
        defaultSubcommand: Serve.self
    )
}
