import ArgumentParser
import HorizonCore

@main
struct Horizon: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "horizon",
        abstract: "Horizon peer-to-peer VPN node: WireGuard-compatible tunnels, gateways and virtual LANs.",
        version: HorizonVersion.current,
        subcommands: [GenKey.self, PubKey.self, TunnelCommand.self, DaemonCommand.self, StatusCommand.self]
    )
}
