import Foundation
import HorizonCore
import HorizonCrypto
import HorizonDevice
import HorizonNAT
import HorizonNetnsKit
import HorizonUDP
import Synchronization

/// What the node agent will do for one peer, done by hand for a test: a device on port
/// 51820 whose STUN traffic comes here, its server-reflexive and relayed candidates
/// (coturn), a checker, and at the end the WireGuard endpoint the selected pair implies.
final class NATClient: @unchecked Sendable {
    static let port: UInt16 = 51820
    let namespace: NetworkNamespace
    let device: Device
    let proxy: TURNRelayProxy
    let key = X25519.generatePrivateKey()
    let host: UDPAddress
    private(set) var candidates: [ICECandidate] = []
    private let inbox = CheckInbox()

    init(in namespace: NetworkNamespace, hostIP: String, server: UDPAddress) throws {
        self.namespace = namespace
        let device = try namespace.run { try Device(options: DeviceOptions(interfaceName: "hznat%d")) }
        self.device = device
        let key = self.key
        if let error = try namespace.run({ device.apply([.privateKey(key), .listenPort(Self.port)]) }) { throw error }
        host = UDPAddress(ip: IPAddress(hostIP)!, port: Self.port)
        proxy = try namespace.run {
            try TURNRelayProxy(server: server, credentials: TURNCredentials(username: NamespacedCoturn.username, password: NamespacedCoturn.password),
                               device: UDPAddress(ip: .v4(IPv4Address(127, 0, 0, 1)), port: Self.port))
        }
        let inbox = self.inbox
        device.setDatagramHandler(accepting: DatagramKind.isNATTraversal) { inbox.put($0.bytes, from: $0.source, path: .direct) }
        proxy.setCheckHandler { inbox.put($1, from: $0, path: .relay) }
        candidates = [ICECandidate(kind: .host, address: host)]
        let reflexive = try reflexiveAddress(from: server)
        if reflexive != host { candidates.append(ICECandidate(kind: .serverReflexive, address: reflexive)) }
        candidates.append(ICECandidate(kind: .relayed, address: try proxy.allocate().relayed))
    }

    func close() {
        proxy.close()
        device.close()
    }

    /// A Binding request from the device's own socket, so the mapping is WireGuard's.
    private func reflexiveAddress(from server: UDPAddress) throws -> UDPAddress {
        let request = STUNMessage(type: .bindingRequest)
        for _ in 0..<20 {
            device.sendDatagram(request.encoded(fingerprint: true), to: server)
            usleep(100_000)
            for answer in inbox.takeAll() {
                if let message = try? STUNReceivedMessage.parse(answer.bytes).message,
                   message.transactionID == request.transactionID, let mapped = message.reflexiveAddress { return mapped }
            }
        }
        throw TURNError.timedOut(server: server, request: .allocate)
    }

    /// Lets the relay accept traffic from the peer's addresses (TURN permissions are per IP).
    func permit(_ remote: [ICECandidate]) throws {
        for ip in Set(remote.map(\.address.ip)) { try proxy.session.createPermission(for: ip) }
    }

    /// One round: what arrived goes to the checker, what it wants sent goes out.
    func step(_ checker: inout ICEChecker, now: MonotonicTime) -> [ICEEvent] {
        var events: [ICEEvent] = []
        for datagram in inbox.takeAll() {
            events += checker.receive(datagram.bytes, from: datagram.source, path: datagram.path, now: now)
        }
        events += checker.poll(now: now)
        for datagram in checker.takeOutgoing() {
            switch datagram.path {
            case .direct: device.sendDatagram(datagram.bytes, to: datagram.destination)
            case .relay: proxy.session.send(datagram.bytes, to: datagram.destination)
            }
        }
        return events
    }

    /// Points WireGuard at the peer along `pair`: straight at its address, or at the proxy
    /// bound to it when our side of the pair is the relay.
    func useWireGuard(_ pair: ICECandidatePair, peer: PublicKey, tunnel: String, peerTunnel: String) throws {
        var endpoint = pair.remote.address
        if pair.local.kind == .relayed {
            try proxy.connect(to: pair.remote.address)
            endpoint = proxy.endpoint
        }
        let operations: [UAPISetOperation] = [
            .peer(peer), .allowedIP(IPPrefix("\(peerTunnel)/32")!), .endpoint(Endpoint(address: endpoint.ip, port: endpoint.port)),
        ]
        if let error = try namespace.run({ self.device.apply(operations) }) { throw error }
        try namespace.ip("addr", "add", "\(tunnel)/24", "dev", device.interfaceName)
        try namespace.ip("link", "set", device.interfaceName, "up")
    }
}

/// Datagrams for the checker from the device's and the proxy's threads, with the path each came by.
final class CheckInbox: Sendable {
    private let items = Mutex<[(bytes: [UInt8], source: UDPAddress, path: ICEPath)]>([])

    func put(_ bytes: [UInt8], from source: UDPAddress, path: ICEPath) {
        items.withLock { $0.append((bytes, source, path)) }
    }

    func takeAll() -> [(bytes: [UInt8], source: UDPAddress, path: ICEPath)] {
        items.withLock { items in
            defer { items.removeAll() }
            return items
        }
    }
}
