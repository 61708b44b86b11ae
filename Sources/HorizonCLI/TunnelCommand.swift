import ArgumentParser
import Foundation
import HorizonNode

/// `horizon tunnel --config FILE`: a WireGuard interface from a wg-quick file, in the
/// foreground (with a TAP per [LAN] section), torn down on Ctrl-C or SIGTERM.
struct TunnelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tunnel",
        abstract: "Run a WireGuard tunnel from a wg-quick configuration file, in the foreground.",
        discussion: """
            Creates the interface, applies the file's keys and peers, assigns its addresses and MTU, \
            brings it up and adds a route per allowed IP. A default route (0.0.0.0/0 or ::/0) goes \
            through a policy-routing table marked with the tunnel's fwmark, as wg-quick does it. \
            `wg show` and `wg set` work on the interface while it runs. Ctrl-C or SIGTERM removes \
            everything the command added. DNS and Pre/PostUp/Down hooks are not applied. \
            Horizon's own [LAN] sections (Name, Tag, Address, MAC, MTU, Members) add an L2 \
            network each: a TAP interface whose Ethernet frames are switched to the member peers \
            through the same tunnels (see the README). Needs root (or CAP_NET_ADMIN).
            """
    )

    @Option(name: .long, help: ArgumentHelp("The wg-quick configuration file.", valueName: "file"))
    var config: String

    @Option(name: .long, help: ArgumentHelp("Interface name (default: the file's name without .conf).", valueName: "name"))
    var interface: String?

    func run() throws {
        TerminationSignals.install()
        let tunnel: Tunnel
        do {
            tunnel = try Tunnel(configPath: config, interfaceName: interface) { message in
                Console.error("warning: \(message)")
            }
        } catch {
            throw CLIError(error.description)
        }
        for warning in tunnel.warnings { Console.error("warning: \(warning)") }
        Console.write(tunnel.statusLine)

        let reason = tunnel.waitForShutdown()
        for line in tunnel.lanCounterLines { Console.write(line) }
        let failures = tunnel.stop(interfaceDeleted: reason == .interfaceDeleted)
        for failure in failures { Console.error("warning: could not undo: \(failure)") }
        if reason == .interfaceDeleted {
            throw CLIError("interface \(tunnel.interfaceName) was deleted; tunnel stopped")
        }
        guard failures.isEmpty else { throw ExitCode.failure }
        Console.write("\(tunnel.interfaceName) down")
    }
}
