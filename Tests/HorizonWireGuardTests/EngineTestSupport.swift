import HorizonCore
import HorizonCrypto
import HorizonTestKit
@testable import HorizonWireGuard

/// One engine with an address on an imaginary network (TEST-NET addresses; nothing is
/// ever sent anywhere), doing what a device does with the engine's run-based calls: seal
/// outgoing data in place, open incoming transport data, pass handshake messages on.
final class EngineNode {
    let engine: WireGuardEngine
    let privateKey: PrivateKey
    var address: PeerEndpoint
    var peer: EnginePeer!
    /// Plaintexts of data packets received (keepalives excluded), in order.
    var delivered: [[UInt8]] = []
    var keepalives = 0
    var replayed = 0
    var forged = 0
    var noSession = 0

    init(seed: UInt64, address: String, port: UInt16 = 51820, loadThreshold: Int = 128) {
        var rng = SplitMix64(seed: seed)
        privateKey = X25519.generatePrivateKey(using: &rng)
        self.address = PeerEndpoint(address: IPAddress(address)!, port: port)
        engine = WireGuardEngine(
            configuration: EngineConfiguration(timestamp: EngineNode.timestamp, loadThreshold: loadThreshold),
            random: RandomSource(SplitMix64(seed: seed &+ 1000)))
        engine.mtu = 1420
        engine.setPrivateKey(privateKey)
    }

    /// Wall clock derived from the manual clock: 2023-11-14 plus the monotonic time.
    static let timestamp: @Sendable (MonotonicTime) -> TAI64N = { now in
        TAI64N(unixSeconds: 1_700_000_000 + Int64(now.nanoseconds / 1_000_000_000), nanoseconds: UInt32(now.nanoseconds % 1_000_000_000))
    }

    var publicKey: PublicKey { privateKey.publicKey }

    /// Adds `other` as this node's peer (with its address as endpoint unless told not to).
    func know(_ other: EngineNode, endpoint: Bool = true) {
        peer = engine.addPeer(publicKey: other.publicKey)
        if endpoint { engine.setEndpoint(other.address, for: peer) }
    }

    /// A packet from "the TUN": sealed at once when there is a session, staged otherwise.
    func send(_ payload: [UInt8], now: MonotonicTime) -> [OutgoingDatagram] {
        let padded = TransportPadding.paddedLength(payload.count, mtu: engine.mtu)
        let size = TransportHeader.size + padded + 16
        switch engine.planSend(to: peer, packets: 1, bytes: size, now: now) {
        case .noEndpoint:
            return []
        case .stage:
            payload.withUnsafeBytes { bytes in _ = engine.stage(to: peer, count: 1, now: now) { _ in bytes } }
            return []
        case .seal(let grant):
            var datagram = [UInt8](repeating: 0, count: size)
            datagram.withUnsafeMutableBytes { out in
                let packet = out.baseAddress! + TransportHeader.size
                packet.copyMemory(from: payload, byteCount: payload.count)
                _ = grant.keypair.withSealer { $0.seal(packet: packet, length: payload.count, paddedLength: padded, counter: grant.firstCounter) }
            }
            return [OutgoingDatagram(bytes: datagram, endpoint: grant.endpoint)]
        }
    }

    /// A datagram arriving from `source`; returns what the engine answers.
    func receive(_ bytes: [UInt8], from source: PeerEndpoint, now: MonotonicTime) -> [OutgoingDatagram] {
        var datagram = bytes
        // The local address the peer wrote to: ours.
        let from = PeerEndpoint(address: source.address, port: source.port, localAddress: address.address, localInterface: 3)
        return datagram.withUnsafeMutableBytes { raw in
            guard let header = TransportHeader(packet: UnsafeRawBufferPointer(raw)) else {
                return engine.receiveHandshake(UnsafeRawBufferPointer(raw), from: from, now: now)
            }
            guard let (peer, keypair) = engine.session(forIndex: header.receiverIndex, now: now) else {
                noSession += 1
                return []
            }
            let outcome = keypair.withOpener { $0.open(raw, counter: header.counter) }
            switch outcome {
            case .replayed: replayed += 1
            case .forged: forged += 1
            case .opened(let length):
                if length == 0 {
                    keepalives += 1
                } else {
                    // Test payloads carry their length where IPv4 does; padding goes.
                    let packet = raw.baseAddress! + TransportHeader.size
                    let total = Int(UInt16(bigEndian: packet.loadUnaligned(fromByteOffset: 2, as: UInt16.self)))
                    delivered.append(Array(UnsafeRawBufferPointer(start: packet, count: min(total, length))))
                }
                engine.didReceive(on: keypair, from: peer, source: from, packets: 1, dataPackets: length > 0 ? 1 : 0,
                                  bytes: raw.count, now: now)
            }
            return []
        }
    }

    var status: PeerStatus { engine.status(of: peer, now: .zero) }
}

/// Two nodes and a lossless in-memory network between them, on a manual clock.
struct EngineLink {
    var clock = ManualClock()
    let a: EngineNode
    let b: EngineNode
    /// Every datagram that crossed the network, for tests that replay or inspect them.
    var wire: [(from: EngineNode, bytes: [UInt8])] = []
    /// Drops everything headed to this node while set.
    var blackhole: EngineNode?

    init(aKnowsB: Bool = true, loadThreshold: Int = 128) {
        a = EngineNode(seed: 1, address: "192.0.2.1", loadThreshold: loadThreshold)
        b = EngineNode(seed: 2, address: "192.0.2.2", loadThreshold: loadThreshold)
        a.know(b, endpoint: aKnowsB)
        b.know(a)
    }

    var now: MonotonicTime { clock.now }

    mutating func advance(_ duration: Duration) { clock.advance(by: duration) }

    /// Delivers `datagrams` sent by `sender`, then everything they provoke, until quiet.
    mutating func deliver(_ datagrams: [OutgoingDatagram], from sender: EngineNode) {
        var queue = datagrams.map { (sender, $0) }
        var steps = 0
        while !queue.isEmpty, steps < 1000 {
            steps += 1
            let (from, datagram) = queue.removeFirst()
            let to = datagram.endpoint.address == a.address.address && datagram.endpoint.port == a.address.port ? a : b
            precondition(to !== from, "a node sent to itself")
            guard blackhole !== to else { continue }
            wire.append((from, datagram.bytes))
            queue += to.receive(datagram.bytes, from: from.address, now: now).map { (to, $0) }
        }
    }

    /// Runs both engines' timers and deferred work, delivering what they send.
    mutating func tick() {
        let fromA = a.engine.tick(now: now)
        deliver(fromA, from: a)
        let fromB = b.engine.tick(now: now)
        deliver(fromB, from: b)
    }

    /// Lets `duration` pass, firing every timer of both engines at its deadline.
    mutating func run(for duration: Duration) {
        let end = now + duration
        for _ in 0..<10_000 {
            let next = [a.engine.nextDeadline(), b.engine.nextDeadline()].compactMap { $0 }.min()
            guard let next, next <= end else { break }
            if next > now { advance(next.since(now)) }
            tick()
        }
        if end > now { advance(end.since(now)) }
    }

    /// `node` sends `payload` from its TUN; deferred work runs at once.
    mutating func send(_ payload: [UInt8], from node: EngineNode) {
        deliver(node.send(payload, now: now), from: node)
        tick()
    }

    /// A session a→b (a initiates by sending a packet), confirmed by b.
    mutating func establish() {
        send(enginePayload(20, seed: 0), from: a)
    }
}

/// An IPv4-looking payload of `count` (at least 4) bytes: version nibble and total length
/// where IPv4 keeps them, so the receiver can strip the padding; the rest is a pattern.
func enginePayload(_ count: Int, seed: UInt8) -> [UInt8] {
    var bytes = (0..<count).map { UInt8(truncatingIfNeeded: Int($0) &* 31 &+ Int(seed)) }
    bytes[0] = 0x45
    bytes[2] = UInt8(count >> 8)
    bytes[3] = UInt8(count & 0xFF)
    return bytes
}
