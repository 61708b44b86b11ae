import HorizonDiscovery
import HorizonBrokerClient

/// The node's virtual networks as the broker's netmap lists them, and the services it
/// announces to their members.
extension NodeAgent {
    /// The networks this node is a member of, from a fresh netmap when the broker answers and
    /// from the saved one otherwise.
    func lanNetworks() async throws(RoleError) -> [NetmapNetwork] {
        guard let membership = try membership() else { return [] }
        let follower = NetmapFollower(link: BrokerLink(url: membership.broker, credential: membership.credential), state: stateDirectory)
        if let map = try? await follower.fetch() {
            // The role takes the newer map too, so what the list shows is what runs.
            switch role {
            case .client(let client)?: await client.adopt(map)
            case .server(let server)?: await server.adopt(map)
            case nil: break
            }
            return map.networks ?? []
        }
        let saved: Netmap? = try? stateDirectory.load(.netmap)
        return saved?.networks ?? []
    }

    func announce(_ request: AnnounceRequest) async throws(RoleError) -> Components.Schemas.ServiceAnnouncement {
        guard let membership = try membership() else {
            throw RoleError("this node is not enrolled — run horizon login or horizon server up first")
        }
        guard (1...65535).contains(request.port) else { throw RoleError("\(request.port) is not a port (1-65535)") }
        let network: String
        if let named = request.network {
            network = named
        } else {
            let networks = try await lanNetworks()
            guard networks.count == 1, let only = networks.first else {
                throw RoleError(networks.isEmpty
                    ? "this node is in no network — an admin adds it: horizon-broker networks add-member NETWORK \(membership.name)"
                    : "this node is in several networks — pass --network (one of \(networks.map(\.name).joined(separator: ", ")))")
            }
            network = only.name
        }
        let link = BrokerLink(url: membership.broker, credential: membership.credential)
        do throws(BrokerFailure) {
            return try await link.announce(.init(
                network: network, name: request.name, port: request.port, _protocol: request.udp ? .udp : .tcp))
        } catch {
            throw RoleError(Self.explain(error, doing: "announce \(request.name)"))
        }
    }

    /// Services the members of this node's L2 networks announce on the LAN (mDNS/DNS-SD).
    func discoveredLANServices() async -> [DiscoveredLANService] {
        switch role {
        case .client(let client)?: await client.discoveredServices()
        case .server(let server)?: await server.discoveredServices()
        case nil: []
        }
    }

    /// Makes this device a member of a network at the broker; the netmap then brings its TAP
    /// (for an L2 network) and its members up on the node's interface.
    func joinLAN(_ request: LANJoinRequest) async throws(RoleError) -> LANJoinResult {
        let (client, link) = try lanClient()
        if let name = request.interface {
            do throws(TunnelError) { _ = try InterfaceName(name) } catch { throw RoleError(error.description) }
        }
        let member: Components.Schemas.NetworkMember
        do throws(BrokerFailure) { member = try await link.joinNetwork(request.network) } catch {
            throw RoleError(Self.explain(error, doing: "join \(request.network)"))
        }
        let saved: [String: String]? = try? stateDirectory.load(.lanInterfaces)
        var names = saved ?? [:]
        if let name = request.interface, names[member.networkId] != name {
            names[member.networkId] = name
            do { try stateDirectory.save(names, as: .lanInterfaces) } catch { throw RoleError(error.description) }
        }
        await client.refreshNetmap()
        let joined = await client.lanInterface(of: member.networkId)
        return LANJoinResult(
            networkID: member.networkId, addresses: [member.ipv4Address, member.ipv6Address], mac: member.mac,
            interface: joined.name, problem: joined.problem)
    }

    func leaveLAN(_ request: LANLeaveRequest) async throws(RoleError) -> LANLeaveResult {
        let (client, link) = try lanClient()
        do throws(BrokerFailure) { try await link.leaveNetwork(request.network) } catch {
            throw RoleError(Self.explain(error, doing: "leave \(request.network)"))
        }
        await client.refreshNetmap()
        return LANLeaveResult(network: request.network)
    }

    private func lanClient() throws(RoleError) -> (ClientRunner, BrokerLink) {
        guard let membership = try membership() else {
            throw RoleError("this node is not enrolled — run horizon login first")
        }
        guard membership.role == .client else {
            throw RoleError("a server joins networks when an admin adds it: horizon-broker networks add-member NETWORK \(membership.name)")
        }
        return (try client(), BrokerLink(url: membership.broker, credential: membership.credential))
    }
}

/// `GET /v1/lan/discovered`: one service a member announced by mDNS on an L2 network.
public struct DiscoveredLANService: Codable, Equatable, Sendable {
    public var network: String
    public var service: DiscoveredService
}

/// `POST /v1/lan/join`: the network (id or name) and, optionally, the TAP's name.
public struct LANJoinRequest: Codable, Sendable {
    public var network: String
    public var interface: String?

    public init(network: String, interface: String?) {
        self.network = network
        self.interface = interface
    }
}

public struct LANJoinResult: Codable, Sendable {
    public var networkID: String
    public var addresses: [String]
    public var mac: String
    /// The network's TAP on this node (L2 networks).
    public var interface: String?
    /// Why the TAP is not up, when it is not.
    public var problem: String?
}

/// `POST /v1/lan/leave`.
public struct LANLeaveRequest: Codable, Sendable {
    public var network: String

    public init(network: String) { self.network = network }
}

public struct LANLeaveResult: Codable, Sendable {
    public var network: String
}

/// `POST /v1/lan/announce`.
public struct AnnounceRequest: Codable, Sendable {
    public var network: String?
    public var name: String
    public var port: Int
    public var udp: Bool

    public init(network: String?, name: String, port: Int, udp: Bool) {
        self.network = network
        self.name = name
        self.port = port
        self.udp = udp
    }
}
