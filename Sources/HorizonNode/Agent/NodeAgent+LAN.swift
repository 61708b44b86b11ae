import HorizonBrokerClient

/// The node's virtual networks as the broker's netmap lists them, and the services it
/// announces to their members.
extension NodeAgent {
    /// The networks this node is a member of, from a fresh netmap when the broker answers and
    /// from the saved one otherwise.
    func lanNetworks() async throws(RoleError) -> [NetmapNetwork] {
        guard let membership = try membership() else { return [] }
        let follower = NetmapFollower(link: BrokerLink(url: membership.broker, credential: membership.credential), state: stateDirectory)
        if let map = try? await follower.fetch() { return map.networks ?? [] }
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
