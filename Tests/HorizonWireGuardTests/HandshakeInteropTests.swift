import HorizonCore
import HorizonCrypto
import HorizonWireGuard
import Testing
import HorizonTestKit

/// The Swift handshake against a real wireguard-go, both roles, each in its own network
/// namespace (root only; skipped otherwise). Success in each direction is proved by
/// transport data sealed under the derived keys.
@Suite(.serialized, .enabled(if: HandshakeInteropFixture.isAvailable, "needs root, wireguard-go and wg"))
struct HandshakeInteropTests {
    typealias F = HandshakeFixtures
    let now = MonotonicTime(nanoseconds: 1_000_000_000_000)
    let psk = PresharedKey(raw: Bytes32(Array(repeating: 0x3C, count: 32))!)

    /// Swift initiates; wireguard-go responds; an ICMP echo goes through in both directions.
    @Test func swiftInitiatorWithWireGuardGoResponder() throws {
        var rng = SplitMix64(seed: 11)
        let swiftKey = X25519.generatePrivateKey(using: &rng), goKey = X25519.generatePrivateKey(using: &rng)
        let fixture = HandshakeInteropFixture(tag: "i")
        defer { fixture.tearDown() }
        try fixture.start()
        try fixture.configure(privateKey: goKey.base64, peer: swiftKey.publicKey.base64, presharedKey: psk.base64)
        try fixture.bringUp()

        let identity = StaticIdentity(privateKey: swiftKey)
        var peer = PeerHandshake(local: identity, remoteStatic: goKey.publicKey, presharedKey: psk)
        let initiation = try peer.createInitiation(
            localIndex: 0x0BAD_CAFE, ephemeral: X25519.generatePrivateKey(using: &rng), timestamp: F.timestamp, now: now).get()
        fixture.send(initiation.serialized())

        let reply = try #require(fixture.receive(), "wireguard-go did not answer the initiation")
        #expect(CookieChecker(localStatic: identity.publicKey).verify(reply.bytes, source: [UInt8](), underLoad: false, now: now) == .accept)
        let keys = try peer.consumeResponse(try #require(HandshakeResponse(reply.bytes))).get()

        fixture.send(Self.sealedPacket(Self.echoRequest(identifier: 0x4857), keys: keys, counter: 0))
        var gotEchoReply = false
        for _ in 0..<5 {   // wireguard-go may send a keepalive first
            guard let datagram = fixture.receive(), let plaintext = Self.open(datagram.bytes, keys: keys) else { break }
            if plaintext.count >= 28, plaintext[20] == 0, plaintext[24] == 0x48, plaintext[25] == 0x57 {
                gotEchoReply = true
                break
            }
        }
        #expect(gotEchoReply, "no ICMP echo reply sealed under the derived keys")
    }

    /// wireguard-go initiates (persistent keepalive); Swift checks mac1, responds, and
    /// opens the keepalive wireguard-go then sends under the new keys.
    @Test func wireGuardGoInitiatorWithSwiftResponder() throws {
        var rng = SplitMix64(seed: 12)
        let swiftKey = X25519.generatePrivateKey(using: &rng), goKey = X25519.generatePrivateKey(using: &rng)
        let fixture = HandshakeInteropFixture(tag: "r")
        defer { fixture.tearDown() }
        try fixture.start()
        try fixture.bringUp()
        try fixture.configure(privateKey: goKey.base64, peer: swiftKey.publicKey.base64, presharedKey: psk.base64,
                              extra: ["endpoint", "127.0.0.1:\(fixture.localPort)", "persistent-keepalive", "1"])

        let identity = StaticIdentity(privateKey: swiftKey)
        let checker = CookieChecker(localStatic: identity.publicKey)
        var peer = PeerHandshake(local: identity, remoteStatic: goKey.publicKey, presharedKey: psk)
        let datagram = try #require(fixture.receive(), "wireguard-go sent no initiation")
        #expect(checker.verify(datagram.bytes, source: [UInt8](), underLoad: false, now: now) == .accept)
        let received = try identity.openInitiation(try #require(HandshakeInitiation(datagram.bytes))).get()
        #expect(received.initiatorStatic == goKey.publicKey)
        let (response, keys) = try peer.respond(
            to: received, localIndex: 0x00C0_FFEE, ephemeral: X25519.generatePrivateKey(using: &rng), now: now).get()
        fixture.send(response.serialized(), toPort: datagram.port)

        let confirmation = try #require(fixture.receive(), "wireguard-go sent nothing after our response")
        let plaintext = try #require(Self.open(confirmation.bytes, keys: keys), "first transport packet does not open")
        #expect(plaintext.isEmpty, "expected a keepalive")
    }

    /// Swift is "under load": it answers wireguard-go's first initiation with a cookie
    /// reply; wireguard-go's retransmission (after REKEY_TIMEOUT) must carry a mac2 our
    /// checker accepts, and the handshake then completes.
    @Test func wireGuardGoObeysSwiftCookieReply() throws {
        var rng = SplitMix64(seed: 13)
        let swiftKey = X25519.generatePrivateKey(using: &rng), goKey = X25519.generatePrivateKey(using: &rng)
        let fixture = HandshakeInteropFixture(tag: "c")
        defer { fixture.tearDown() }
        try fixture.start()
        try fixture.bringUp()
        try fixture.configure(privateKey: goKey.base64, peer: swiftKey.publicKey.base64, presharedKey: psk.base64,
                              extra: ["endpoint", "127.0.0.1:\(fixture.localPort)", "persistent-keepalive", "1"])

        let identity = StaticIdentity(privateKey: swiftKey)
        var checker = CookieChecker(localStatic: identity.publicKey)
        let first = try #require(fixture.receive(), "wireguard-go sent no initiation")
        let source = F.source   // any stable bytes naming the sender will do for this check
        #expect(checker.verify(first.bytes, source: source, underLoad: true, now: now) == .cookieRequired)
        let reply = try #require(checker.makeCookieReply(to: first.bytes, source: source, now: now, using: &rng))
        fixture.send(reply.serialized(), toPort: first.port)

        var retry: (bytes: [UInt8], port: UInt16)?
        for _ in 0..<4 {   // the retransmission comes after 5 s plus jitter; each receive waits up to 3 s
            guard let datagram = fixture.receive() else { continue }
            if datagram.bytes.first == 1 { retry = datagram; break }
        }
        let retransmission = try #require(retry, "wireguard-go did not retransmit its initiation")
        #expect(!retransmission.bytes.suffix(16).allSatisfy { $0 == 0 }, "retransmission has no mac2")
        #expect(checker.verify(retransmission.bytes, source: source, underLoad: true, now: now + .seconds(6)) == .accept)

        var peer = PeerHandshake(local: identity, remoteStatic: goKey.publicKey, presharedKey: psk)
        let received = try identity.openInitiation(try #require(HandshakeInitiation(retransmission.bytes))).get()
        let (response, keys) = try peer.respond(
            to: received, localIndex: 7, ephemeral: X25519.generatePrivateKey(using: &rng), now: now + .seconds(6)).get()
        fixture.send(response.serialized(), toPort: retransmission.port)
        let confirmation = try #require(fixture.receive(), "wireguard-go sent nothing after our response")
        #expect(Self.open(confirmation.bytes, keys: keys) != nil, "first transport packet does not open")
    }

    // MARK: - Transport packets (built here by hand; the session layer is not under test)

    static func sealedPacket(_ plaintext: [UInt8], keys: TransportKeys, counter: UInt64) -> [UInt8] {
        let padded = plaintext + [UInt8](repeating: 0, count: (16 - plaintext.count % 16) % 16)
        var packet = [UInt8](repeating: 0, count: TransportHeader.size) + padded + [UInt8](repeating: 0, count: 16)
        packet.withUnsafeMutableBytes { buffer in
            TransportHeader(receiverIndex: keys.remoteIndex, counter: counter).write(to: buffer.baseAddress!)
            ChaCha20Poly1305Context(key: keys.sendKey).seal(counter: counter, buffer: buffer.baseAddress! + TransportHeader.size, length: padded.count)
        }
        return packet
    }

    static func open(_ packet: [UInt8], keys: TransportKeys) -> [UInt8]? {
        var packet = packet
        guard let header = packet.withUnsafeBytes({ TransportHeader(packet: $0) }), header.receiverIndex == keys.localIndex else { return nil }
        let sealedLength = packet.count - TransportHeader.size
        let ok = packet.withUnsafeMutableBytes { buffer in
            ChaCha20Poly1305Context(key: keys.receiveKey).open(counter: header.counter, buffer: buffer.baseAddress! + TransportHeader.size, sealedLength: sealedLength)
        }
        return ok ? Array(packet[TransportHeader.size..<(packet.count - 16)]) : nil
    }

    /// IPv4 ICMP echo request 10.99.0.2 → 10.99.0.1 (addresses inside the test namespace).
    static func echoRequest(identifier: UInt16) -> [UInt8] {
        var icmp: [UInt8] = [8, 0, 0, 0, UInt8(identifier >> 8), UInt8(identifier & 0xFF), 0, 1] + Array("horizon interop!".utf8)
        let icmpSum = checksum(icmp)
        icmp[2] = UInt8(icmpSum >> 8); icmp[3] = UInt8(icmpSum & 0xFF)
        let total = 20 + icmp.count
        var ip: [UInt8] = [0x45, 0, UInt8(total >> 8), UInt8(total & 0xFF), 0, 0, 0, 0, 64, 1, 0, 0, 10, 99, 0, 2, 10, 99, 0, 1]
        let ipSum = checksum(ip)
        ip[10] = UInt8(ipSum >> 8); ip[11] = UInt8(ipSum & 0xFF)
        return ip + icmp
    }

    /// The Internet checksum (RFC 1071).
    static func checksum(_ bytes: [UInt8]) -> UInt16 {
        var sum: UInt32 = 0
        for i in stride(from: 0, to: bytes.count, by: 2) {
            sum += UInt32(bytes[i]) << 8 | UInt32(i + 1 < bytes.count ? bytes[i + 1] : 0)
        }
        while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }
        return ~UInt16(sum)
    }
}
