import ArgumentParser
import Glibc
import HorizonCore
import HorizonTunnel

/// `horizon-wg`: a drop-in for wireguard-go. It creates the interface and serves the UAPI
/// socket; `wg` and `wg-quick` do the rest (keys, peers, addresses, routes).
@main
struct HorizonWG: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "horizon-wg",
        abstract: "Userspace WireGuard daemon (Horizon), a drop-in for wireguard-go.",
        discussion: """
            Creates INTERFACE and serves its UAPI socket /var/run/wireguard/INTERFACE.sock for wg(8). \
            Without --foreground it starts itself in the background and exits 0 once the interface \
            and socket exist (non-zero with the reason otherwise). It stops, removing both, on \
            SIGTERM/SIGINT or when the interface is deleted (ip link del INTERFACE).

            With wg-quick: WG_QUICK_USERSPACE_IMPLEMENTATION=horizon-wg wg-quick up wg0
            Environment: LOG_LEVEL=verbose|error|silent (default error); WG_PROCESS_FOREGROUND=1 \
            is the same as --foreground.
            """,
        version: "horizon-wg \(HorizonVersion.current) (Horizon, wireguard-go compatible)"
    )

    @Flag(name: [.customShort("f"), .long], help: "Stay in the foreground.")
    var foreground = false

    @Argument(help: "The interface to create, e.g. wg0.")
    var interface: String

    func run() throws {
        let name: InterfaceName
        do {
            name = try InterfaceName(interface)
        } catch {
            throw ValidationError(error.description)
        }
        let environment = ProcessEnvironment()
        let log = WireGuardGoLog(level: .init(environment: environment["LOG_LEVEL"]), interface: name.description)
        if foreground || environment["WG_PROCESS_FOREGROUND"] == "1" {
            throw ExitCode(Daemon(name: name, log: log, readiness: ReadinessPipe.inherited()).run())
        }
        let keepOutput = environment["LOG_LEVEL"] != nil && log.level != .silent
        throw ExitCode(BackgroundLaunch.run(interface: name.description, keepOutput: keepOutput))
    }
}

/// Environment variables by name.
struct ProcessEnvironment {
    subscript(name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }
}
