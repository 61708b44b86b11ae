import Foundation
import HorizonBrokerClient
import HorizonCore
import HorizonDevice
import HorizonNAT
import HorizonUDP

/// Finds and keeps the best path to each peer the mesh hands over, and steers the device's
/// WireGuard peer onto it: candidates gathered on the device's own UDP socket (host
/// addresses, server-reflexive via STUN to the relays) plus a TURN allocation on that same
/// socket (a channel per peer, which the device frames itself), exchanged through signaling, checked by an `ICEChecker` per peer (direct over relayed,
/// then lower RTT), re-run when the host's addresses or NAT mapping change.
///
/// The device keeps carrying WireGuard the whole time; changing the endpoint is all a path
/// change does, so a session moves between relay and direct without a new handshake.
public actor PeerPaths {
    public struct Options: Sendable {
        /// Where interfaces are listed and relay sockets opened.
        public var network: any PathNetworkContext = CurrentNetworkContext()
        /// Interfaces whose addresses are never candidates, besides the device's own (overlay ones).
        public var excludedInterfaces: Set<String> = []
        public var checks = ICEChecker.Timing()
        /// How often the host's addresses are compared with the last gathering ...
        public var addressCheck: Duration = .seconds(2)
        /// ... and the NAT mapping (server-reflexive address) probed again.
        public var mappingCheck: Duration = .seconds(20)

        public init() {}
    }

    let device: Device
    let selfID: String
    let options: Options
    let signaling: any SignalingTransport
    var relays: [PathRelay] = []
    /// The relay peers get TURN allocations on: the TURN relay that answered STUN fastest.
    var turnRelay: PathRelay?
    /// The allocation on `turnRelay` (see `relayAllocation()`), the IPs it lets through,
    /// and the attempt to make it, while one runs.
    var relay: TURNSession?
    var relayPermitted: Set<IPAddress> = []
    var allocating: Task<TURNSession?, Never>?
    var hostAddresses: [IPAddress] = []
    var reflexive: [UDPAddress] = []
    var probes: [STUNTransactionID: ReflexiveProbe] = [:]
    var links: [String: PeerLink] = [:]
    /// Signals from nodes not (yet) handed over, kept until they are.
    var early: [String: PathSignal] = [:]
    var gathered = false
    var gathering: Task<Void, Never>?
    var nextAddressCheck = MonotonicTime.zero
    var nextMappingCheck = MonotonicTime.zero
    let responder = STUNResponder()
    let inbound: AsyncStream<PathDatagram>.Continuation
    private var tasks: [Task<Void, Never>] = []
    /// TURN requests and releases running off the actor (`inBackground`), which send on the
    /// device's socket; `stop` waits for them.
    var background: [Int: Task<Void, Never>] = [:]
    var nextBackground = 0
    var stopped = false

    /// Production: signaling over the broker's WebSocket with the node's credential.
    public init(device: Device, broker: URL, credential: String, selfID: String, options: Options = Options()) {
        self.init(device: device, signaling: WebSocketSignaling(broker: broker, credential: credential), selfID: selfID, options: options)
    }

    public init(device: Device, signaling: any SignalingTransport, selfID: String, options: Options = Options()) {
        self.device = device
        self.selfID = selfID
        self.options = options
        self.signaling = signaling
        let (datagrams, continuation) = AsyncStream.makeStream(of: PathDatagram.self, bufferingPolicy: .bufferingNewest(512))
        inbound = continuation
        // STUN and ChannelData on the WireGuard port come here (checks, answers to our probes,
        // and plain Binding requests, which are answered as the server role did).
        device.setDatagramHandler(accepting: DatagramKind.isNATTraversal) { datagram in
            continuation.yield(PathDatagram(bytes: datagram.bytes, source: datagram.source, relayed: false))
        }
        let signals = signaling.incoming()
        Task { await self.start(datagrams: datagrams, signals: signals) }
    }

    private func start(datagrams: AsyncStream<PathDatagram>, signals: AsyncStream<SignalEnvelope>) {
        guard !stopped else { return }
        tasks.append(Task { for await datagram in datagrams { self.receive(datagram) } })
        tasks.append(Task { for await envelope in signals { await self.receive(envelope) } })
        tasks.append(Task { await self.runTimers() })
    }

    /// The peers to find paths to and the relays to use, from each netmap. Peers that are
    /// gone are dropped with their relay allocations; new ones start at once.
    public func update(peers: [PathPeer], relays newRelays: [Components.Schemas.Relay]) async {
        guard !stopped else { return }
        let resolved = (try? await blockingCall { newRelays.compactMap(PathRelay.init) }) ?? []
        // Stopped while resolving: no new links, no endpoints set on a closing device.
        guard !stopped else { return }
        let relaysChanged = resolved != relays
        relays = resolved
        let wanted = Set(peers.map(\.id))
        for id in links.keys where !wanted.contains(id) { links[id] = nil }
        if !gathered || relaysChanged {
            let regathering = gathered
            await gather()
            // Other relays: other mappings and allocations, so every session starts over.
            if regathering { await restartSessions(reallocating: true) }
        }
        for peer in peers where !stopped {
            if links[peer.id] != nil {
                links[peer.id]?.peer = peer
                continue
            }
            var link = PeerLink(peer: peer)
            link.remote = early.removeValue(forKey: peer.id)
            links[peer.id] = link
            useAnnouncedEndpoint(of: peer)
            await startSession(peer.id)
        }
    }

    /// The path to the peer with this WireGuard key; nil for peers not handed over.
    public func status(of publicKey: PublicKey) -> PeerPath? {
        links.values.first { $0.peer.publicKey == publicKey }?.path
    }

    /// Stops everything: checks, timers, signaling, relay allocations (released), the handler.
    /// When it returns nothing started here sends on the device's socket any more, so the
    /// device may close.
    public func stop() async {
        guard !stopped else { return }
        stopped = true
        device.removeDatagramHandler()
        inbound.finish()
        for task in tasks { task.cancel() }
        links.removeAll()
        dropRelayAllocation()
        await signaling.close()
        // The loops see `stopped` (or their stream end) at their next step; a gathering's
        // probes and an allocation in progress end with them (a closed session fails at once).
        for task in tasks { await task.value }
        await gathering?.value
        _ = await allocating?.value
        // Last, as the above may have dropped an allocation in the background.
        while let (id, task) = background.first {
            await task.value
            background[id] = nil
        }
    }

    /// Runs `body` (blocking TURN calls, in `blockingCall`) as a task `stop` waits for.
    func inBackground(_ body: @escaping @Sendable () async -> Void) {
        let id = nextBackground
        nextBackground += 1
        // Inherits the actor, so it cannot finish before it is registered.
        background[id] = Task {
            await body()
            background[id] = nil
        }
    }

    /// Until the checks say otherwise, WireGuard tries the first endpoint the peer announced
    /// (a server's public address works at once; a peer without Horizon's checks still gets one).
    private func useAnnouncedEndpoint(of peer: PathPeer) {
        guard let first = peer.endpoints.lazy.compactMap({ try? Endpoint.parse($0) }).first,
              case .address = first.host else { return }
        _ = device.apply([.peer(peer.publicKey), .updateOnly, .endpoint(first)])
    }

    /// New sessions with every peer; `reallocating` also replaces the relay allocation.
    func restartSessions(reallocating: Bool) async {
        if reallocating { dropRelayAllocation() }
        for id in Array(links.keys) { await startSession(id) }
    }

    /// Polls the checkers when they are due, repeats unacknowledged signals and watches the
    /// host's addresses and NAT mapping.
    private func runTimers() async {
        while !Task.isCancelled, !stopped {
            let now = MonotonicTime.now()
            for id in Array(links.keys) { poll(id, now: now) }
            await resendSignals(now: now)
            await watchForRoaming(now: now)
            let next = links.values.compactMap(\.checker?.nextDeadline).min()
            let wait = next.map { max($0.since(MonotonicTime.now()), .milliseconds(5)) } ?? .milliseconds(200)
            try? await Task.sleep(for: min(wait, .milliseconds(200)))
        }
    }
}

/// A datagram for the checks: from the device's socket, or through the relay allocation.
struct PathDatagram: Sendable {
    var bytes: [UInt8]
    /// Who sent it: the relay server or anyone on the socket; the peer, through the allocation.
    var source: UDPAddress
    /// Came through the relay allocation (unwrapped by its session).
    var relayed: Bool
}
