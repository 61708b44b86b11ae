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
            Authentication is tuned with HORIZON_SESSION_TTL_SECONDS, HORIZON_LOGIN_MAX_FAILURES,
            HORIZON_LOGIN_LOCKOUT_SECONDS, HORIZON_LOGIN_RATE_LIMIT, HORIZON_LOGIN_RATE_LIMIT_PER_USER,
            HORIZON_LOGIN_RATE_WINDOW_SECONDS and HORIZON_BCRYPT_COST (see the README); servers and
            devices with HORIZON_SERVER_OFFLINE_AFTER, HORIZON_OVERLAY_CIDR and HORIZON_OVERLAY_IPV6_PREFIX.
            """,
        version: HorizonVersion.current,
        subcommands: [Serve.self, Migrate.self, UserCommand.self, NetworkCommand.self, EnrollKeyCommand.self, ServerCommand.self, DeviceCommand.self],
        defaultSubcommand: Serve.self
    )
}
