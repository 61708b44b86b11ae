import Foundation
import HorizonBrokerClient
import HorizonCore
import HorizonDevice
import HorizonDiscovery
import HorizonUDP

/// The client role: follows the netmap (so server lists and a reconnect work from the last
/// map while the broker is away) and runs the node's one WireGuard interface while there is
/// something to carry: the chosen gateway when connected — a full tunnel (default routes
/// through the server, its own endpoint kept outside by fwmark policy routing) or a split one
/// (`routes`) — and the members of the device's networks, with a TAP per L2 network.
actor ClientRunner {
    static let keepalive: UInt16 = 25
    static let handshakeTimeout: Duration = .seconds(15)

    private let setup: RoleSetup
    private var netmap: Netmap?
    private var broker: BrokerStatus
    private var nodeStatus = "unknown"
    /// The gateway, while connected.
    private var connection: (choice: ConnectionChoice, server: ServerCandidate)?
    private var interface: NodeInterface?
    /// Finds paths through NATs to the members that announce no endpoint, on the interface's socket.
    private var paths: PeerPaths?
    /// The last hand-over to `paths`, so updates reach it in order.
    private var pathUpdate: Task<Void, Never>?
    /// An interface on its way out: its path finder stops (releasing relay allocations through
    /// the device's socket) before the device closes, and a new interface, which takes the
    /// same name, waits for it.
    private var teardown: Task<[String], Never>?
    private var lastMeshError: String?
    /// Why the gateway's routes could not be set, if they could not.
    private var gatewayRoutingError: String?
    private var rtt: Double?
    private var follower: Task<Void, Never>?

    init(setup: RoleSetup) {
        self.setup = setup
        broker = BrokerStatus(url: setup.membership.broker.absoluteString)
        netmap = try? setup.state.load(.netmap)
        if let netmap { nodeStatus = netmap._self.status.rawValue }
    }

    /// Brings up the interface for the saved map's networks, then follows the broker.
    func start() async {
        _ = await reconcileInterface()
        let link = setup.link
        let state = setup.state
        follower = Task {
            await NetmapFollower(link: link, state: state).run(from: nil) { event in await self.handle(event) }
        }
    }

    /// Ends the role for a daemon that stops: the interface goes, the saved choice stays, so
    /// the next start reconnects.
    func stop() async {
        follower?.cancel()
        connection = nil
        _ = await tearDownInterface()
    }

    // MARK: servers and connecting

    /// The servers this device may use, with measured latency when `probe` is set.
    func servers(probe: Bool) async -> [ServerCandidate] {
        await refreshNetmap()
        let candidates = netmap.map(ServerChoice.candidates) ?? []
        return probe ? await ServerChoice.probed(candidates) : candidates
    }

    /// Connects to `reference` (name or id; nil: the best) and returns once the first
    /// handshake completed. A previous connection is replaced.
    func connect(to reference: String?, routes: [IPPrefix]) async throws(RoleError) -> ConnectionStatus {
        guard nodeStatus != "revoked" else { throw RoleError("this device has been revoked by an administrator — ask for a new enrollment") }
        let candidates = await servers(probe: reference == nil)
        guard !candidates.isEmpty else {
            throw RoleError("no server is available (none approved and online, or the broker is unreachable and no netmap is saved) — see horizon servers")
        }
        guard var server = ServerChoice.pick(reference, from: candidates) else {
            throw RoleError("no server named '\(reference ?? "")' — see horizon servers for the names")
        }
        // Measured before the tunnel exists, so the probe takes the underlay path.
        if server.rttMilliseconds == nil, let endpoint = server.endpoints.first {
            server.rttMilliseconds = await LatencyProbe.once(endpoint)
        }
        let choice = ConnectionChoice(serverID: server.id, routes: routes.map(\.description))
        try await bringUp(choice, server: server)
        do throws(RoleError) {
            try await waitForHandshake(with: server)
        } catch {
            _ = await disconnect()
            throw error
        }
        rtt = server.rttMilliseconds
        try? setup.state.save(choice, as: .connection)
        return connectionStatus()!
    }

    /// Reconnects to the saved choice after a daemon restart, without waiting for a handshake.
    func resume(_ choice: ConnectionChoice) async throws(RoleError) {
        guard let server = netmap.flatMap({ ServerChoice.pick(choice.serverID, from: ServerChoice.candidates(in: $0)) }) else {
            throw RoleError("the saved server \(choice.serverID) is not in the netmap any more — run horizon connect")
        }
        try await bringUp(choice, server: server)
    }

    /// Ends the connection: the gateway's routes and rules go (with the interface, unless the
    /// device's networks keep one). Returns what could not be undone, nil when not connected.
    func disconnect() async -> [String]? {
        setup.state.remove(.connection)
        guard connection != nil else { return nil }
        connection = nil
        return await reconcileInterface()
    }

    func status(into status: inout AgentStatus) async {
        status.broker = broker
        status.node = NodeInfo(
            id: setup.membership.nodeID, name: setup.membership.name, status: nodeStatus,
            addresses: netmap?._self.addresses ?? setup.membership.addresses)
        guard let interface else { return }
        status.interface = interface.status(lastError: lastMeshError)
        status.connection = connectionStatus()
        let names = Dictionary((netmap?.peers ?? []).map { ($0.publicKey, $0.name) }, uniquingKeysWith: { a, _ in a })
        let gateway = connection.flatMap { PublicKey(base64: $0.server.publicKey) }
        var peers: [PeerStatus] = []
        for peer in interface.device.snapshot().peers {
            var path = await paths?.status(of: peer.publicKey)
            // A member dialled at its announced endpoint (a server) is reached directly.
            if path == nil, peer.publicKey != gateway, let endpoint = peer.endpoint {
                path = PeerPath(kind: .direct, endpoint: endpoint.description)
            }
            peers.append(PeerStatus(peer, name: names[peer.publicKey.base64], path: path))
        }
        status.peers = peers
    }

    /// The TAP of network `id` on this node, or why there is none.
    func lanInterface(of id: String) -> (name: String?, problem: String?) {
        if let attached = interface?.lans.attached.values.first(where: { $0.networkID == id }) { return (attached.interfaceName, nil) }
        guard let network = netmap?.networks?.first(where: { $0.id == id }) else {
            return (nil, "the netmap does not list the network yet (broker unreachable?)")
        }
        guard network.mode == .l2 else { return (nil, nil) }
        return (nil, lastMeshError ?? "the TAP is not up")
    }

    // MARK: the interface

    private func bringUp(_ choice: ConnectionChoice, server: ServerCandidate) async throws(RoleError) {
        guard PublicKey(base64: server.publicKey) != nil, let endpointText = server.endpoints.first else {
            throw RoleError("the broker's entry for \(server.name) has no usable key or endpoint")
        }
        guard (try? Endpoint.parse(endpointText)) != nil else {
            throw RoleError("\(server.name)'s endpoint '\(endpointText)' is not HOST:PORT")
        }
        let previous = connection
        connection = (choice, server)
        let failures = await reconcileInterface()
        guard interface != nil, gatewayRoutingError == nil else {
            let reason = gatewayRoutingError ?? failures.last
            connection = previous
            _ = await reconcileInterface()
            throw RoleError(reason ?? "cannot bring up \(setup.interfaceName)")
        }
    }

    /// Makes the interface match the connection and the netmap: none when there is nothing to
    /// carry, else one whose peers, routes, addresses and TAPs are the map's. A connection
    /// that comes or goes changes the running interface (its gateway peer and routes), so the
    /// network members' sessions and TAPs stay up. Returns what failed, why a new interface
    /// could not be made last.
    private func reconcileInterface() async -> [String] {
        await finishTeardown()
        // Nothing below suspends but a teardown, so the state acted on is the state checked.
        guard connection != nil || MeshPlan.isMember(netmap) else { return await tearDownInterface() ?? [] }
        var failures: [String] = []
        if interface == nil {
            do throws(TunnelError) { try createInterface() } catch { return [error.description] }
        }
        if let interface { syncMesh(on: interface) }
        if let lastMeshError { failures.append(lastMeshError) }
        return failures
    }

    /// A new interface with the node's key and addresses (peers and routes come with
    /// `syncMesh`), and the path finder on its socket.
    private func createInterface() throws(TunnelError) {
        var config = WireGuardConfig()
        config.interface.privateKey = setup.nodeKey
        config.interface.addresses = RoleSetup.hostPrefixes(netmap?._self.addresses ?? setup.membership.addresses)
        let created = try NodeInterface(config: config, name: setup.interfaceName, uapiDirectory: setup.uapiDirectory)
        interface = created
        paths = PeerPaths(device: created.device, broker: setup.membership.broker, credential: setup.membership.credential,
                          selfID: setup.membership.nodeID)
    }

    /// The gateway as a WireGuard peer: everything (full tunnel) or the chosen routes and the
    /// server's own addresses (split).
    private func gatewayPeer() -> DesiredPeer? {
        guard let (choice, server) = connection, let key = PublicKey(base64: server.publicKey),
              let endpoint = server.endpoints.first.flatMap({ try? Endpoint.parse($0) }) else { return nil }
        let routes = choice.routes.compactMap(IPPrefix.init)
        let allowed = routes.isEmpty
            ? [IPPrefix("0.0.0.0/0")!, IPPrefix("::/0")!] : routes + RoleSetup.hostPrefixes(serverPeer(server.id)?.addresses ?? [])
        return DesiredPeer(publicKey: key, endpoint: endpoint, allowedIPs: allowed, persistentKeepalive: Self.keepalive)
    }

    /// Puts the gateway and the netmap's network members on the interface with their routes
    /// (a full tunnel diverts the default routes, a split one routes its prefixes), and the
    /// TAPs of the L2 networks, and hands the members without an endpoint to the path finder.
    private func syncMesh(on interface: NodeInterface) {
        let mesh = netmap.map(MeshPlan.peers) ?? []
        let gateway = gatewayPeer()
        let fullTunnel = connection?.choice.routes.isEmpty ?? false
        let splitRoutes = fullTunnel ? [] : gateway?.allowedIPs ?? []
        // Off before the gateway goes, on once it is there: traffic never routes to no peer.
        gatewayRoutingError = fullTunnel ? nil : interface.divertDefaultRoute(false)
        let meshFailure = interface.sync(
            MeshPlan.merge(gateway.map { [$0] } ?? [], mesh), routing: MeshPlan.routes(mesh, in: netmap) + splitRoutes,
            addresses: netmap.map(MeshPlan.addresses) ?? [])
        if fullTunnel { gatewayRoutingError = interface.divertDefaultRoute(true) }
        let networks = MeshPlan.isMember(netmap) ? netmap?.networks ?? [] : []
        let failures = [meshFailure, gatewayRoutingError, interface.syncLANs(networks, names: setup.lanInterfaceNames)].compactMap { $0 }
        lastMeshError = failures.isEmpty ? nil : failures.joined(separator: "; ")
        if let paths, let netmap {
            let peers = MeshPlan.pathPeers(in: netmap)
            let relays = netmap.relays ?? []
            let previous = pathUpdate
            pathUpdate = Task {
                await previous?.value
                await paths.update(peers: peers, relays: relays)
            }
        }
    }

    /// Takes the interface down: the path finder first, so nothing sends on the device's
    /// socket once it closes. Returns what could not be undone, nil when there was no interface.
    private func tearDownInterface() async -> [String]? {
        guard let current = interface else { return nil }
        interface = nil
        let paths = self.paths
        self.paths = nil
        pathUpdate?.cancel()
        pathUpdate = nil
        let previous = teardown
        let task = Task<[String], Never> {
            _ = await previous?.value
            await paths?.stop()
            return current.stop().map(\.description)
        }
        teardown = task
        let failures = await task.value
        if teardown == task { teardown = nil }
        return failures
    }

    /// Waits until no interface is on its way out.
    private func finishTeardown() async {
        while let pending = teardown {
            _ = await pending.value
            if teardown == pending { teardown = nil }
        }
    }

    /// Sends a datagram into the tunnel every half second (any packet for the server makes
    /// the device start a handshake) until the first handshake completes.
    private func waitForHandshake(with server: ServerCandidate) async throws(RoleError) {
        let target = serverPeer(server.id)?.addresses.first.flatMap(IPAddress.init)
        let deadline = ContinuousClock.now + Self.handshakeTimeout
        while ContinuousClock.now < deadline {
            guard let interface, connection != nil else { throw RoleError("the connection was closed while connecting") }
            if gatewaySnapshot(on: interface)?.lastHandshake != nil { return }
            if let target { TunnelWake.poke(target) }
            try? await Task.sleep(for: .milliseconds(500))
        }
        throw RoleError("""
            no handshake with \(server.name) at \(server.endpoints.first ?? "?") within \(Self.handshakeTimeout) — \
            is the server up and is UDP to it allowed? (the tunnel was removed)
            """)
    }

    private func gatewaySnapshot(on interface: NodeInterface) -> UAPIPeerSnapshot? {
        guard let key = connection.flatMap({ PublicKey(base64: $0.server.publicKey) }) else { return nil }
        return interface.device.snapshot().peers.first { $0.publicKey == key }
    }

    private func serverPeer(_ id: String) -> NetmapPeer? { netmap?.peers.first { $0.id == id } }

    private func connectionStatus() -> ConnectionStatus? {
        guard let connection, let interface else { return nil }
        let totals = interface.status()
        let peer = gatewaySnapshot(on: interface)
        return ConnectionStatus(
            serverID: connection.server.id, serverName: connection.server.name,
            endpoint: peer?.endpoint?.description ?? connection.server.endpoints.first, path: "direct",
            routes: connection.choice.routes, handshakeAge: peer?.handshakeAge,
            rttMilliseconds: rtt, rxBytes: peer?.rxBytes ?? 0, txBytes: peer?.txBytes ?? 0,
            rxRate: totals.rxRate, txRate: totals.txRate)
    }

    // MARK: broker

    /// One short fetch, so lists are current when the broker is there; the saved map otherwise.
    func refreshNetmap() async {
        do throws(BrokerFailure) {
            if let map = try await NetmapFollower(link: setup.link, state: setup.state).fetch() { await handle(.map(map)) }
            await handle(.reachable(true, nil))
        } catch {
            await handle(.reachable(error.code != nil, error))
        }
    }

    /// What the members of the node's L2 networks announce by mDNS.
    func discoveredServices() -> [DiscoveredLANService] {
        (interface?.lans.discoveredServices() ?? []).map { DiscoveredLANService(network: $0.network, service: $0.service) }
    }

    /// A map the agent fetched for a command, newer than the follower's.
    func adopt(_ map: Netmap) async { await handle(.map(map)) }

    private func handle(_ event: NetmapFollower.Event) async {
        switch event {
        case .map(let map):
            netmap = map
            nodeStatus = map._self.status.rawValue
            _ = await reconcileInterface()
        case .reachable(let reachable, let failure):
            broker.reachable = reachable
            if reachable { broker.lastContact = Date() }
            broker.lastError = failure?.description
            if failure?.code == "node_revoked" {
                nodeStatus = "revoked"
                connection = nil
                setup.state.remove(.connection)
                _ = await tearDownInterface()
            }
        }
    }
}

/// A role operation that failed: one line saying what and what to do.
public struct RoleError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// One UDP datagram to an address routed into the tunnel: enough to start a handshake.
enum TunnelWake {
    static func poke(_ address: IPAddress) {
        guard let socket = try? UDPSocket(family: address.isIPv4 ? .ipv4 : .ipv6, bufferBytes: 1 << 16) else { return }
        defer { socket.close() }
        let batch = UDPSendBatch(capacity: 1)
        let payload: [UInt8] = Array("horizon-wake".utf8)
        _ = payload.withUnsafeBytes { batch.append($0, to: UDPAddress(ip: address, port: 9)) }
        _ = socket.send(batch)
    }
}
