import ArgumentParser
import Foundation
import HorizonBroker

/// `horizon-broker networks …`: operator commands against the store the environment selects.
struct NetworkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "networks",
        abstract: "Manage virtual networks directly in the store (works while the broker runs).",
        subcommands: [CreateNetwork.self, ListNetworks.self])
}

struct CreateNetwork: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a network; its IPv6 /64 is generated inside fd00::/8 unless --ipv6 is given.")

    @Argument(help: "The network name: letters, digits, '.', '_' and '-'.")
    var name: String

    @Option(help: "The IPv4 subnet, /8 to /30, e.g. 10.20.0.0/24.")
    var cidr: String

    @Option(help: "l3 (routed, TUN) or l2 (LAN emulation, TAP).")
    var mode = "l3"

    @Option(help: "The IPv6 unique-local /64, e.g. fd12:3456:789a::/64.")
    var ipv6: String?

    func run() async throws {
        try await reportingErrors {
            let config = try BrokerConfiguration.fromEnvironment()
            let network = try await OperatorCommands.createNetwork(config, name: name, cidr: cidr, ipv6Prefix: ipv6, mode: mode)
            print("Created \(network.mode) network '\(network.name)': \(network.cidr) \(network.ipv6Prefix) (\(network.capacity) node addresses).")
        }
    }
}

struct ListNetworks: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List networks.")

    func run() async throws {
        try await reportingErrors {
            let networks = try await OperatorCommands.listNetworks(try BrokerConfiguration.fromEnvironment())
            let width = max(4, networks.map(\.name.count).max() ?? 0)
            let cidrWidth = max(4, networks.map(\.cidr.count).max() ?? 0)
            let v6Width = max(4, networks.map(\.ipv6Prefix.count).max() ?? 0)
            func pad(_ s: String, _ n: Int) -> String { s.padding(toLength: n, withPad: " ", startingAt: 0) }
            print(pad("NAME", width) + "  MODE  " + pad("IPV4", cidrWidth) + "  " + pad("IPV6", v6Width) + "  ADDRESSES")
            for n in networks {
                print(pad(n.name, width) + "  " + pad(n.mode, 4) + "  " + pad(n.cidr, cidrWidth) + "  "
                      + pad(n.ipv6Prefix, v6Width) + "  \(n.allocated)/\(n.capacity)")
            }
        }
    }
}
