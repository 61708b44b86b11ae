import Foundation
import HorizonBrokerClient
import HorizonCore
import HorizonDevice
import HorizonDiscovery
import HorizonNAT

/// The gateway role: a WireGuard interface that accepts the clients the netmap allows and
/// forwards their traffic out of the uplink (masquerade), heartbeats with load and health,
/// and session reports. Supervised: a lost broker is retried with backoff while the interface
/// keeps serving on the last netmap; a data plane that dies is brought back with the same
/// identity and port, so clients' sessions return without their users doing anything.
actor ServerRunner {
    static let sessionIdle: Int = 180  // seconds without a handshake after which a session is over

    private let setup: RoleSetup
    private var interface: NodeInterface?
    private var netmap: Netmap?
    private var broker: BrokerStatus
    private var nodeStatus: String
    private var lastDataPlaneError: String?
    private var liveSessions: Set<String> = []
    private var tasks: [Task<Void, Never>] = []
    private var stopping = false

    init(setup: RoleSetup) {
        self.setup = setup
        broker = BrokerStatus(url: setup.membership.broker.absoluteString)
        nodeStatus = "unknown"
        netmap = try? setup.state.load(.netmap)
        if let netmap { nodeStatus = netmap._self.status.rawValue }
    }

    /// Brings up the interface and forwarding, sends a first heartbeat (which also tells the
    /// approval status), then starts following the broker. Throws only for a start that
    /// cannot work (no uplink, port taken); broker failures are retried.
    func start() async throws(TunnelError) {
        try bringUpDataPlane()
        let interval = await beat()
        let link = setup.link
        let state = setup.state
        tasks.append(Task {
            await NetmapFollower(link: link, state: state).run(from: nil) { event in await self.handle(event) }
        })
        tasks.append(Task { await self.heartbeatLoop(every: interval ?? 10) })
        tasks.append(Task { await self.superviseDataPlane() })
    }

    func stop() {
        stopping = true
        tasks.forEach { $0.cancel() }
        tasks = []
        _ = interface?.stop()
        interface = nil
    }

    func status(into status: inout AgentStatus) {
        status.broker = broker
        status.node = NodeInfo(
            id: setup.membership.nodeID, name: setup.membership.name, status: nodeStatus,
            addresses: netmap?._self.addresses ?? [])
        guard let interface else { return }
        status.interface = interface.status(lastError: lastDataPlaneError)
        let names = Dictionary((netmap?.peers ?? []).map { ($0.publicKey, $0.name) }, uniquingKeysWith: { a, _ in a })
        status.peers = interface.device.snapshot().peers.map { PeerStatus($0, name: names[$0.publicKey.base64]) }
    }

    // MARK: data plane

    private func bringUpDataPlane() throws(TunnelError) {
        guard let settings = setup.membership.server else { throw TunnelError("this node's membership has no server settings — run horizon server up again") }
        let uplink = if let name = settings.uplink { try InterfaceName(name) } else { try UplinkInterface.detect() }
        var config = WireGuardConfig()
        config.interface.privateKey = setup.nodeKey
        config.interface.listenPort = settings.listenPort
        config.interface.addresses = RoleSetup.hostPrefixes(netmap?._self.addresses ?? setup.membership.addresses)
        let fresh = try NodeInterface(config: config, name: setup.interfaceName, uapiDirectory: setup.uapiDirectory)
        do throws(TunnelError) {
            for change in GatewayForwardingPlan(tunnel: setup.interfaceName, uplink: uplink).changes { try fresh.tunnel.apply(change) }
        } catch {
            _ = fresh.stop()
            throw error
        }
        Self.answerSTUN(on: fresh.device)
        interface = fresh
        if let netmap { apply(netmap, to: fresh) }
    }

    /// Answers STUN Binding requests on the WireGuard port: clients measure their latency to
    /// the server with them, and learn the address the server sees them at.
    private static func answerSTUN(on device: Device) {
        let responder = STUNResponder()
        device.setDatagramHandler(accepting: DatagramKind.isNATTraversal) { [weak device] datagram in
            guard let reply = responder.respond(to: datagram.bytes, from: datagram.source) else { return }
            device?.sendDatagram(reply, to: datagram.source)
        }
    }

    /// Restarts the interface whenever it dies underneath (deleted, namespace gone), with backoff.
    private func superviseDataPlane() async {
        var backoff = Backoff()
        while !Task.isCancelled {
            guard let current = interface else {
                try? await Task.sleep(for: backoff.delay())
                do throws(TunnelError) { try bringUpDataPlane(); backoff.reset() } catch { lastDataPlaneError = error.description }
                continue
            }
            let reason = await current.closed()
            guard !stopping, !Task.isCancelled else { return }
            lastDataPlaneError = "interface \(setup.interfaceName) closed (\(reason)); restarting"
            _ = current.stop(interfaceDeleted: reason == .interfaceDeleted)
            if interface === current { interface = nil }
        }
    }

    // MARK: broker

    /// What the members of the node's L2 networks announce by mDNS.
    func discoveredServices() -> [DiscoveredLANService] {
        (interface?.lans.discoveredServices() ?? []).map { DiscoveredLANService(network: $0.network, service: $0.service) }
    }

    /// A map the agent fetched for a command, newer than the follower's.
    func adopt(_ map: Netmap) { handle(.map(map)) }

    private func handle(_ event: NetmapFollower.Event) {
        switch event {
        case .map(let map):
            netmap = map
            nodeStatus = map._self.status.rawValue
            if let interface { apply(map, to: interface) }
        case .reachable(let reachable, let failure):
            note(reachable: reachable, failure)
        }
    }

    private func note(reachable: Bool, _ failure: BrokerFailure?) {
        broker.reachable = reachable
        if reachable { broker.lastContact = Date() }
        broker.lastError = failure?.description
        if failure?.code == "node_revoked" {
            nodeStatus = "revoked"
            // A revoked gateway must stop serving: its clients may no longer trust it.
            _ = interface?.sync([], routing: [])
            _ = interface?.syncLANs([], names: [:])
        }
    }

    /// The netmap's clients and network members as peers (each routed here), and the TAPs
    /// of the server's L2 networks.
    private func apply(_ map: Netmap, to interface: NodeInterface) {
        let desired = MeshPlan.merge(Self.desiredPeers(map), MeshPlan.peers(in: map))
        let failures = [
            interface.sync(desired, routing: MeshPlan.routes(desired, in: map), addresses: MeshPlan.addresses(in: map)),
            interface.syncLANs(map._self.status == .approved ? map.networks ?? [] : [], names: setup.lanInterfaceNames),
        ].compactMap { $0 }
        lastDataPlaneError = failures.isEmpty ? nil : failures.joined(separator: "; ")
    }

    /// Clients the netmap allows: every device peer, with its overlay addresses.
    static func desiredPeers(_ map: Netmap) -> [DesiredPeer] {
        guard map._self.status == .approved else { return [] }
        return map.peers.compactMap { peer in
            guard peer.kind == .device, let key = PublicKey(base64: peer.publicKey) else { return nil }
            return DesiredPeer(publicKey: key, allowedIPs: peer.allowedIPs.compactMap(IPPrefix.init))
        }
    }

    private func heartbeatLoop(every initial: Int) async {
        var interval = initial
        while !Task.isCancelled, nodeStatus != "revoked" {
            try? await Task.sleep(for: .seconds(interval))
            if let next = await beat() { interval = next }
        }
    }

    /// One heartbeat and the session reports that go with it; the broker's next interval,
    /// nil if the broker could not be reached.
    private func beat() async -> Int? {
        do throws(BrokerFailure) {
            let peers = interface?.device.snapshot().peers ?? []
            let ack = try await setup.link.heartbeat(heartbeat(peers))
            nodeStatus = ack.status.rawValue
            note(reachable: true, nil)
            await reportSessions(peers)
            return max(1, ack.heartbeatInterval)
        } catch {
            note(reachable: error.code != nil, error)
            return nil
        }
    }

    private func heartbeat(_ peers: [UAPIPeerSnapshot]) -> Components.Schemas.Heartbeat {
        let active = peers.filter { Self.isLive($0) }.count
        let capacity = max(1, setup.membership.server?.capacity ?? 100)
        let health: Components.Schemas.ServerHealth = interface == nil ? .failing : (lastDataPlaneError == nil ? .ok : .degraded)
        return .init(
            load: min(1, Double(active) / Double(capacity)), peerCount: active,
            rxBytes: Int64(clamping: peers.reduce(0) { $0 &+ $1.rxBytes }),
            txBytes: Int64(clamping: peers.reduce(0) { $0 &+ $1.txBytes }), health: health)
    }

    static func isLive(_ peer: UAPIPeerSnapshot) -> Bool {
        peer.handshakeAge.map { $0 < sessionIdle } ?? false
    }

    /// Up for sessions that began, update for those that go on, down for those that ended.
    private func reportSessions(_ peers: [UAPIPeerSnapshot]) async {
        var live: Set<String> = []
        for peer in peers where Self.isLive(peer) {
            let key = peer.publicKey.base64
            live.insert(key)
            let event: Components.Schemas.SessionEvent = liveSessions.contains(key) ? .update : .up
            try? await setup.link.reportSession(.init(
                peerPublicKey: key, event: event, rxBytes: Int64(clamping: peer.rxBytes),
                txBytes: Int64(clamping: peer.txBytes), endpoint: peer.endpoint?.description))
        }
        for key in liveSessions.subtracting(live) {
            try? await setup.link.reportSession(.init(peerPublicKey: key, event: .down))
        }
        liveSessions = live
    }
}
