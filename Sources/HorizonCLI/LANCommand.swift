import ArgumentParser
import Foundation
import HorizonDiscovery
import HorizonNode

/// `horizon lan`: the virtual networks this node is a member of, and their services.
struct LANCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lan",
        abstract: "Join and leave virtual networks; show them and the services their members announce.",
        discussion: """
            A device joins a network itself (horizon lan join NETWORK); an admin adds servers (and any \
            device) with horizon-broker networks add-member NETWORK NODE. Each member gets an address \
            and a stable MAC in the network; an L2 (LAN) network gets a TAP interface on the node, \
            so broadcast, multicast and ARP reach every other member as on one Ethernet switch.
            """,
        subcommands: [LANJoinCommand.self, LANLeaveCommand.self, LANListCommand.self, LANServicesCommand.self, LANAnnounceCommand.self]
    )
}

struct LANJoinCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "join", abstract: "Make this device a member of a network (an L2 one gets a TAP interface).")

    @Argument(help: "The network's name or id.")
    var network: String

    @Option(help: ArgumentHelp("The TAP interface's name (default: hz and the network's name, when it fits).", valueName: "name"))
    var interface: String?

    @OptionGroup var daemon: DaemonSocket
    @OptionGroup var output: OutputFormat

    func run() async throws {
        let response = try await daemon.send(.POST, LocalAPIPath.lanJoin, body: LANJoinRequest(network: network, interface: interface))
        if output.json { return Console.write(String(decoding: response.body, as: UTF8.self)) }
        let joined = try response.decode(LANJoinResult.self)
        var line = "joined \(network): \(joined.addresses.joined(separator: ", ")), MAC \(joined.mac)"
        if let tap = joined.interface { line += ", interface \(tap)" }
        Console.write(line)
        if let problem = joined.problem { Console.write("warning: no TAP yet: \(problem)") }
    }
}

struct LANLeaveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leave", abstract: "Take this device out of a network (its TAP goes, its announcements there too).")

    @Argument(help: "The network's name or id.")
    var network: String

    @OptionGroup var daemon: DaemonSocket
    @OptionGroup var output: OutputFormat

    func run() async throws {
        let response = try await daemon.send(.POST, LocalAPIPath.lanLeave, body: LANLeaveRequest(network: network))
        if output.json { return Console.write(String(decoding: response.body, as: UTF8.self)) }
        Console.write("left \(network)")
    }
}

struct LANListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the networks with this node's address and MAC.")

    @OptionGroup var daemon: DaemonSocket
    @OptionGroup var output: OutputFormat

    func run() async throws {
        let response = try await daemon.send(.GET, LocalAPIPath.lan)
        if output.json { return Console.write(String(decoding: response.body, as: UTF8.self)) }
        let networks = try response.decode([NetmapNetwork].self)
        guard !networks.isEmpty else { return Console.write("not a member of any network") }
        Console.write(Table.render(
            header: ["NETWORK", "MODE", "TAG", "ADDRESS", "MAC", "MEMBERS"],
            rows: networks.map { network in
                [network.name, network.mode.rawValue, String(network.tag), network.addresses.first ?? "-", network.mac,
                 network.members.isEmpty ? "-" : network.members.map(\.name).joined(separator: ", ")]
            }))
    }
}

struct LANServicesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "services",
        abstract: "List what members announce, e.g. a game server on alice-pc:27015.",
        discussion: """
            Two sources: announcements made with horizon lan announce (carried by the broker, every \
            network) and services members' hosts announce by mDNS/DNS-SD on an L2 network (printers, \
            media servers, games), which this node hears on the network's TAP.
            """)

    @OptionGroup var daemon: DaemonSocket
    @OptionGroup var output: OutputFormat

    func run() async throws {
        let networks = try await daemon.send(.GET, LocalAPIPath.lan).decode([NetmapNetwork].self)
        let discovered = try await daemon.send(.GET, LocalAPIPath.lanDiscovered).decode([DiscoveredLANService].self)
        let rows = Self.announced(networks) + discovered.map { found in
            let service = found.service
            let address = service.addresses.first.map { "\($0):\(service.port)" } ?? "-"
            return ServiceRow(network: found.network, name: "\(service.name) (\(service.type))",
                              host: "\(service.host):\(service.port)", address: address, transport: service.transport, source: "mdns")
        }
        if output.json {
            let entries = rows.map { ["network": $0.network, "name": $0.name, "host": $0.host, "address": $0.address,
                                      "protocol": $0.transport, "source": $0.source] }
            return Console.write(String(decoding: try JSONSerialization.data(withJSONObject: entries, options: [.sortedKeys]), as: UTF8.self))
        }
        guard !rows.isEmpty else { return Console.write("no services announced") }
        Console.write(Table.render(
            header: ["NETWORK", "SERVICE", "ON", "ADDRESS", "PROTO"],
            rows: rows.map { [$0.network, $0.name, $0.host, $0.address, $0.transport] }))
    }

    struct ServiceRow {
        var network, name, host, address, transport, source: String
    }

    /// Announcements the broker carries, with the member's name and address in the network.
    static func announced(_ networks: [NetmapNetwork]) -> [ServiceRow] {
        networks.flatMap { network in
            let members = Dictionary(network.members.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            return network.services.map { service in
                let member = members[service.nodeId]
                let host = member?.name ?? "this node"
                let address = member?.addresses.first ?? network.addresses.first ?? "-"
                return ServiceRow(network: network.name, name: service.name, host: "\(host):\(service.port)",
                                  address: "\(address):\(service.port)", transport: service._protocol.rawValue, source: "announced")
            }
        }
    }
}

struct LANAnnounceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "announce", abstract: "Announce a service on this node to the members of a network.")

    @Argument(help: "What the service is, e.g. \"minecraft\".")
    var name: String

    @Argument(help: "The port it listens on.")
    var port: Int

    @Option(help: ArgumentHelp("The network (needed when the node is in several).", valueName: "name"))
    var network: String?

    @Flag(help: "The service is UDP (default TCP).")
    var udp = false

    @OptionGroup var daemon: DaemonSocket
    @OptionGroup var output: OutputFormat

    func run() async throws {
        let request = AnnounceRequest(network: network, name: name, port: port, udp: udp)
        let response = try await daemon.send(.POST, LocalAPIPath.lanAnnounce, body: request)
        if output.json { return Console.write(String(decoding: response.body, as: UTF8.self)) }
        Console.write("announced \(name) on port \(port)/\(udp ? "udp" : "tcp")")
    }
}
