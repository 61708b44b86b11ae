import Foundation
import HorizonBrokerClient
import HorizonCore
import HorizonDevice
import HorizonUDP

/// The client role: follows the netmap (so server lists and a reconnect work from the last
/// map while the broker is away), and when connected runs one WireGuard interface to the
/// chosen gateway — a full tunnel (default routes through the server, its own endpoint kept
/// outside by fwmark policy routing) or a split one (`routes`). The peer is the server alone.
actor ClientRunner {
    static let keepalive: UInt16 = 25
    static let handshakeTimeout: Duration = .seconds(15)

    private let setup: RoleSetup
    private var netmap: Netmap?
    private var broker: BrokerStatus
    private var nodeStatus = "unknown"
    private var connection: (choice: ConnectionChoice, server: ServerCandidate, interface: NodeInterface)?
    private var rtt: Double?
    private var follower: Task<Void, Never>?

    init(setup: RoleSetup) {
        self.setup = setup
        broker = BrokerStatus(url: setup.membership.broker.absoluteString)
        netmap = try? setup.state.load(.netmap)
        if let netmap { nodeStatus = netmap._self.status.rawValue }
    }

    func start() {
        let link = setup.link
        let state = setup.state
        follower = Task {
            await NetmapFollower(link: link, state: state).run(from: nil) { event in await self.handle(event) }
        }
    }

    /// Ends the role for a daemon that stops: the interface goes, the saved choice stays, so
    /// the next start reconnects.
    func stop() {
        follower?.cancel()
        _ = tearDown()
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
        _ = tearDown()
        try bringUp(choice, server: server)
        do throws(RoleError) {
            try await waitForHandshake(with: server)
        } catch {
            _ = disconnect()
            throw error
        }
        rtt = server.rttMilliseconds
        try? setup.state.save(choice, as: .connection)
        return connectionStatus()!
    }

    /// Reconnects to the saved choice after a daemon restart, without waiting for a handshake.
    func resume(_ choice: ConnectionChoice) throws(RoleError) {
        guard let server = netmap.flatMap({ ServerChoice.pick(choice.serverID, from: ServerChoice.candidates(in: $0)) }) else {
            throw RoleError("the saved server \(choice.serverID) is not in the netmap any more — run horizon connect")
        }
        try bringUp(choice, server: server)
    }

    /// Tears the interface down and restores the routes; returns what could not be undone,
    /// nil when there was no connection.
    func disconnect() -> [String]? {
        setup.state.remove(.connection)
        return tearDown()
    }

    private func tearDown() -> [String]? {
        guard let current = connection else { return nil }
        connection = nil
        return current.interface.stop().map(\.description)
    }

    func status(into status: inout AgentStatus) {
        status.broker = broker
        status.node = NodeInfo(
            id: setup.membership.nodeID, name: setup.membership.name, status: nodeStatus,
            addresses: netmap?._self.addresses ?? setup.membership.addresses)
        guard let connection else { return }
        status.interface = connection.interface.status()
        status.connection = connectionStatus()
    }

    private func bringUp(_ choice: ConnectionChoice, server: ServerCandidate) throws(RoleError) {
        guard let key = PublicKey(base64: server.publicKey), let endpointText = server.endpoints.first else {
            throw RoleError("the broker's entry for \(server.name) has no usable key or endpoint")
        }
        let endpoint: Endpoint
        do { endpoint = try Endpoint.parse(endpointText) } catch {
            throw RoleError("\(server.name)'s endpoint '\(endpointText)' is not HOST:PORT")
        }
        let serverAddresses = RoleSetup.hostPrefixes(serverPeer(server.id)?.addresses ?? [])
        let routes = choice.routes.compactMap(IPPrefix.init)
        var peer = WireGuardConfig.Peer(publicKey: key)
        peer.endpoint = endpoint
        peer.persistentKeepalive = Self.keepalive
        peer.allowedIPs = routes.isEmpty ? [IPPrefix("0.0.0.0/0")!, IPPrefix("::/0")!] : routes + serverAddresses
        var config = WireGuardConfig(peers: [peer])
        config.interface.privateKey = setup.nodeKey
        config.interface.addresses = RoleSetup.hostPrefixes(netmap?._self.addresses ?? setup.membership.addresses)
        do {
            let interface = try NodeInterface(config: config, name: setup.interfaceName, uapiDirectory: setup.uapiDirectory, routesPeers: false)
            connection = (choice, server, interface)
        } catch {
            throw RoleError(error.description)
        }
    }

    /// Sends a datagram into the tunnel every half second (any packet for the server makes
    /// the device start a handshake) until the first handshake completes.
    private func waitForHandshake(with server: ServerCandidate) async throws(RoleError) {
        let target = serverPeer(server.id)?.addresses.first.flatMap(IPAddress.init)
        let deadline = ContinuousClock.now + Self.handshakeTimeout
        while ContinuousClock.now < deadline {
            guard let interface = connection?.interface else { throw RoleError("the connection was closed while connecting") }
            if interface.device.snapshot().peers.first?.lastHandshake != nil { return }
            if let target { TunnelWake.poke(target) }
            try? await Task.sleep(for: .milliseconds(500))
        }
        throw RoleError("""
            no handshake with \(server.name) at \(server.endpoints.first ?? "?") within \(Self.handshakeTimeout) — \
            is the server up and is UDP to it allowed? (the tunnel was removed)
            """)
    }

    private func serverPeer(_ id: String) -> NetmapPeer? { netmap?.peers.first { $0.id == id } }

    private func connectionStatus() -> ConnectionStatus? {
        guard let connection else { return nil }
        let interface = connection.interface.status()
        let peer = connection.interface.device.snapshot().peers.first
        return ConnectionStatus(
            serverID: connection.server.id, serverName: connection.server.name,
            endpoint: peer?.endpoint?.description ?? connection.server.endpoints.first, path: "direct",
            routes: connection.choice.routes, handshakeAge: peer?.handshakeAge,
            rttMilliseconds: rtt, rxBytes: interface.rxBytes, txBytes: interface.txBytes,
            rxRate: interface.rxRate, txRate: interface.txRate)
    }

    // MARK: broker

    /// One short fetch, so lists are current when the broker is there; the saved map otherwise.
    private func refreshNetmap() async {
        do throws(BrokerFailure) {
            if let map = try await NetmapFollower(link: setup.link, state: setup.state).fetch() { handle(.map(map)) }
            handle(.reachable(true, nil))
        } catch {
            handle(.reachable(error.code != nil, error))
        }
    }

    private func handle(_ event: NetmapFollower.Event) {
        switch event {
        case .map(let map):
            netmap = map
            nodeStatus = map._self.status.rawValue
        case .reachable(let reachable, let failure):
            broker.reachable = reachable
            if reachable { broker.lastContact = Date() }
            broker.lastError = failure?.description
            if failure?.code == "node_revoked" {
                nodeStatus = "revoked"
                _ = disconnect()
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
        payload.withUnsafeBytes { batch.append($0, to: UDPAddress(ip: address, port: 9)) }
        _ = socket.send(batch)
    }
}
