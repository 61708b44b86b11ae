import ArgumentParser
import HorizonCore

@main
struct Horizon: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "horizon",
        abstract: "Horizon peer-to-peer VPN node: WireGuard-compatible tunnels, gateways and virtual LANs.",
        version: HorizonVersion.current,
        subcommands: [
            DaemonCommand.self, ServerCommand.self, LoginCommand.self, ServersCommand.self, ConnectCommand.self,
            DisconnectCommand.self, LogoutCommand.self, LANCommand.self, StatusCommand.self, TunnelCommand.self, GenKey.self, PubKey.self,
            RelayCommand.self,
        ]
    )
}
