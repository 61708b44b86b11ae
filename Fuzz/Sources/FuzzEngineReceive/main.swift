import CLibFuzzer
import Glibc
import HorizonCore
import HorizonCrypto
import HorizonWireGuard

/// Feeds arbitrary datagrams to a `WireGuardEngine` the way a device does: transport data
/// (type 4) through the receiver-index lookup, replay window and in-place open; anything
/// else through `receiveHandshake`. The engine holds a live session with one peer, so an
/// input that reuses its receiver index reaches the AEAD and the rotation code. Nothing
/// may crash, and nothing unauthenticated may be answered except by a cookie reply.
enum Setup {
    static let now = MonotonicTime(nanoseconds: 1_000_000_000_000)
    static let local = PeerEndpoint(address: .v4(IPv4Address(192, 0, 2, 1)), port: 51820)
    static let remote = PeerEndpoint(address: .v4(IPv4Address(192, 0, 2, 2)), port: 51820)

    struct Seeded: RandomNumberGenerator, Sendable {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            return z ^ (z >> 31)
        }
    }

    static func engine(seed: UInt64) -> (WireGuardEngine, PrivateKey) {
        var rng = Seeded(state: seed)
        let key = X25519.generatePrivateKey(using: &rng)
        let engine = WireGuardEngine(
            configuration: EngineConfiguration(timestamp: { TAI64N(unixSeconds: 1_700_000_000 + Int64($0.nanoseconds / 1_000_000_000), nanoseconds: 0) }),
            random: RandomSource(Seeded(state: seed &+ 99)))
        engine.setPrivateKey(key)
        return (engine, key)
    }

    /// The datagrams of the setup handshake; `HZ_FUZZ_SEEDS=DIR` writes them there as a corpus.
    nonisolated(unsafe) static var seeds: [[UInt8]] = []

    /// b, with a session that a initiated: a's initiation and keepalive were received.
    static let b: WireGuardEngine = {
        let (a, aKey) = engine(seed: 1)
        let (b, bKey) = engine(seed: 2)
        let peerOfA = a.addPeer(publicKey: bKey.publicKey)
        a.setEndpoint(remote, for: peerOfA)
        b.addPeer(publicKey: aKey.publicKey)
        a.setPersistentKeepalive(.seconds(25), for: peerOfA)
        for initiation in a.tick(now: now) {
            for response in initiation.bytes.withUnsafeBytes({ b.receiveHandshake($0, from: local, now: now) }) {
                for keepalive in response.bytes.withUnsafeBytes({ a.receiveHandshake($0, from: remote, now: now) }) {
                    seeds += [initiation.bytes, response.bytes, keepalive.bytes]
                    var datagram = keepalive.bytes
                    _ = datagram.withUnsafeMutableBytes { receive($0, on: b) }
                }
            }
        }
        return b
    }()

    /// The device's receive path for one datagram; returns how many datagrams it answers with.
    static func receive(_ datagram: UnsafeMutableRawBufferPointer, on engine: WireGuardEngine) -> Int {
        guard let header = TransportHeader(packet: UnsafeRawBufferPointer(datagram)) else {
            return engine.receiveHandshake(UnsafeRawBufferPointer(datagram), from: local, backlog: Int(datagram.first ?? 0) & 0xFF, now: now).count
        }
        guard let (peer, keypair) = engine.session(forIndex: header.receiverIndex, now: now) else { return 0 }
        if case .opened(let length) = keypair.withOpener({ $0.open(datagram, counter: header.counter) }) {
            precondition(length >= 0 && length <= datagram.count - TransportHeader.minimumPacketSize)
            engine.didReceive(on: keypair, from: peer, source: local, packets: 1, dataPackets: length > 0 ? 1 : 0,
                              bytes: datagram.count, now: now)
        }
        return 0
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzEngineReceive(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var datagram = Array(UnsafeRawBufferPointer(start: data, count: size))
    let answers = datagram.withUnsafeMutableBytes { Setup.receive($0, on: Setup.b) }
    // Only a cookie reply (under load) or a handshake response may answer an input.
    precondition(answers <= 1, "one datagram provoked \(answers) answers")
    return 0
}

_ = Setup.b
if let directory = getenv("HZ_FUZZ_SEEDS").map({ String(cString: $0) }) {
    for (i, seed) in Setup.seeds.enumerated() {
        let file = fopen("\(directory)/setup-\(i)", "wb")
        _ = seed.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        fclose(file)
    }
}
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzEngineReceive))
