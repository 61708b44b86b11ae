import ArgumentParser
import Foundation
import HorizonBroker

/// `horizon-broker networks …`: operator commands against the store the environment selects.
struct NetworkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "networks",
        abstract: "Manage virtual networks directly in the store (works while the broker runs).",
        subcommands: [CreateNetwork.self, ListNetworks.self, AddNetworkMember.self, RemoveNetworkMember.self, ListNetworkMembers.self])
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

struct AddNetworkMember: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add-member",
        abstract: "Add a server or device to a network; it gets an address and a MAC there.")

    @Argument(help: "The network's name or id.")
    var network: String

    @Argument(help: "The server's or device's id, or its name if no other node has it.")
    var node: String

    func run() async throws {
        try await reportingErrors {
            let member = try await OperatorCommands.addNetworkMember(try BrokerConfiguration.fromEnvironment(), network: network, node: node)
            print("Added \(member.kind) '\(member.name)' to '\(network)': \(member.ipv4Address) \(member.ipv6Address) \(member.mac).")
        }
    }
}

struct RemoveNetworkMember: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove-member", abstract: "Remove a server or device from a network, with its address and announcements.")

    @Argument(help: "The network's name or id.")
    var network: String

    @Argument(help: "The server's or device's id, or its name if no other node has it.")
    var node: String

    func run() async throws {
        try await reportingErrors {
            try await OperatorCommands.removeNetworkMember(try BrokerConfiguration.fromEnvironment(), network: network, node: node)
            print("Removed '\(node)' from '\(network)'.")
        }
    }
}

struct ListNetworkMembers: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "members", abstract: "List a network's members.")

    @Argument(help: "The network's name or id.")
    var network: String

    func run() async throws {
        try await reportingErrors {
            let members = try await OperatorCommands.listNetworkMembers(try BrokerConfiguration.fromEnvironment(), network: network)
            let width = max(4, members.map(\.name.count).max() ?? 0)
            let v6Width = max(4, members.map(\.ipv6Address.count).max() ?? 0)
            func pad(_ s: String, _ n: Int) -> String { s.padding(toLength: n, withPad: " ", startingAt: 0) }
            print(pad("NAME", width) + "  KIND    STATUS     IPV4             " + pad("IPV6", v6Width) + "  MAC                ID")
            for m in members {
                print(pad(m.name, width) + "  " + pad(m.kind, 6) + "  " + pad(m.status, 9) + "  " + pad(m.ipv4Address, 15) + "  "
                      + pad(m.ipv6Address, v6Width) + "  " + m.mac + "  " + m.nodeID.uuidString)
            }
        }
    }
}
