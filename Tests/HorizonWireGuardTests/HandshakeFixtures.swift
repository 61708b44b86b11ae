import HorizonCore
import HorizonCrypto
@testable import HorizonWireGuard
import HorizonTestKit

/// Shared setup for the handshake and message tests, namespaced so other suites in this
/// module can keep their own helpers.
enum HandshakeFixtures {
    static func hex(_ text: String) -> [UInt8] { Hex.decode(text)! }
    static func key32(_ text: String) -> Bytes32 { Bytes32(hex(text))! }

    /// 192.0.2.1:51820 as cookie source bytes (TEST-NET-1; never sent anywhere).
    static let source = CookieChecker.sourceBytes(address: .v4(IPv4Address(192, 0, 2, 1)), port: 51820)
    static let otherSource = CookieChecker.sourceBytes(address: .v4(IPv4Address(192, 0, 2, 2)), port: 51820)
    static let timestamp = TAI64N(unixSeconds: 1_700_000_000, nanoseconds: 0)

    /// One side of a test: its identity, its cookie checker, and its state for the other side.
    struct Side {
        let identity: StaticIdentity
        var checker: CookieChecker
        var peer: PeerHandshake

        init(_ privateKey: PrivateKey, peer remote: PublicKey, presharedKey: PresharedKey = PresharedKey(raw: .zero)) {
            identity = StaticIdentity(privateKey: privateKey)
            checker = CookieChecker(localStatic: identity.publicKey)
            peer = PeerHandshake(local: identity, remoteStatic: remote, presharedKey: presharedKey)
        }

        /// What a device does with a received initiation: mac checks, open, find the peer,
        /// respond. Returns the response datagram and keys, or why it was refused.
        mutating func receiveInitiation(
            _ datagram: [UInt8], localIndex: UInt32, now: MonotonicTime, underLoad: Bool = false,
            source: [UInt8] = HandshakeFixtures.source
        ) -> Result<(response: [UInt8], keys: TransportKeys), Refusal> {
            switch checker.verify(datagram, source: source, underLoad: underLoad, now: now) {
            case .invalidMAC1: return .failure(.invalidMAC1)
            case .cookieRequired: return .failure(.cookieRequired)
            case .accept: break
            }
            guard let initiation = HandshakeInitiation(datagram) else { return .failure(.malformed) }
            let received: ReceivedInitiation
            switch identity.openInitiation(initiation) {
            case .success(let r): received = r
            case .failure(let f): return .failure(.handshake(f))
            }
            guard received.initiatorStatic == peer.remoteStatic else { return .failure(.unknownPeer) }
            var rng = SplitMix64(seed: UInt64(localIndex))
            switch peer.respond(to: received, localIndex: localIndex, ephemeral: X25519.generatePrivateKey(using: &rng), now: now) {
            case .success(let (response, keys)): return .success((response.serialized(), keys))
            case .failure(let f): return .failure(.handshake(f))
            }
        }

        /// What a device does with a received response datagram.
        mutating func receiveResponse(_ datagram: [UInt8], now: MonotonicTime) -> Result<TransportKeys, Refusal> {
            guard checker.verify(datagram, source: HandshakeFixtures.source, underLoad: false, now: now) == .accept else {
                return .failure(.invalidMAC1)
            }
            guard let response = HandshakeResponse(datagram) else { return .failure(.malformed) }
            return peer.consumeResponse(response).mapError { .handshake($0) }
        }

        mutating func initiate(localIndex: UInt32, timestamp: TAI64N = HandshakeFixtures.timestamp, now: MonotonicTime) -> [UInt8] {
            var rng = SplitMix64(seed: UInt64(localIndex) &+ 0x1000)
            let ephemeral = X25519.generatePrivateKey(using: &rng)
            return try! peer.createInitiation(localIndex: localIndex, ephemeral: ephemeral, timestamp: timestamp, now: now).get().serialized()
        }
    }

    enum Refusal: Error, Equatable {
        case invalidMAC1, cookieRequired, malformed, unknownPeer
        case handshake(HandshakeFailure)
    }

    /// Two peers that know each other.
    static func pair(initiatorPSK: PresharedKey = PresharedKey(raw: .zero), responderPSK: PresharedKey = PresharedKey(raw: .zero)) -> (Side, Side) {
        var rng = SplitMix64(seed: 42)
        let a = X25519.generatePrivateKey(using: &rng), b = X25519.generatePrivateKey(using: &rng)
        return (Side(a, peer: b.publicKey, presharedKey: initiatorPSK), Side(b, peer: a.publicKey, presharedKey: responderPSK))
    }
}

extension HandshakeFixtures {

    /// Replays fixed bytes as randomness (8 per draw, little-endian, as `fill` consumes them),
    /// so a known-answer test controls every "random" secret and nonce.
    struct ReplayedRandom: RandomNumberGenerator {
        private var bytes: [UInt8]
        init(_ bytes: [UInt8]) { self.bytes = bytes }
        mutating func next() -> UInt64 {
            precondition(bytes.count >= 8, "test randomness exhausted")
            defer { bytes.removeFirst(8) }
            return bytes.prefix(8).reversed().reduce(0) { $0 << 8 | UInt64($1) }
        }
    }
}

extension Result {
    /// The error, if any, so tests can compare refusals of results whose success is a tuple.
    var failure: Failure? {
        if case .failure(let error) = self { error } else { nil }
    }
}
