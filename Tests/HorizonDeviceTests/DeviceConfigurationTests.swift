import Foundation
import HorizonCore
import HorizonCrypto
import HorizonDevice
import HorizonNetnsKit
import HorizonTestKit
import Testing

/// `apply` and `snapshot` on a real device: `wg set` / `wg setconf` semantics.
@Suite(.enabled(if: NetworkNamespace.isAvailable, "needs root and /dev/net/tun"), .serialized)
struct DeviceConfigurationTests {
    static func device() throws -> (NetworkNamespace, Device) {
        let ns = try NetworkNamespace(prefix: "hzdv")
        let device = try ns.run { try Device(options: DeviceOptions(interfaceName: "hzdvc%d")) }
        return (ns, device)
    }

    static func key(_ seed: UInt64) -> PublicKey {
        var rng = SplitMix64(seed: seed)
        return X25519.generatePrivateKey(using: &rng).publicKey
    }

    @Test func peersAllowedIPsAndKeysFollowSetSemantics() throws {
        let (ns, device) = try Self.device()
        defer { device.close(); ns.remove() }
        let own = X25519.generatePrivateKey()
        let (p1, p2, p3) = (Self.key(1), Self.key(2), Self.key(3))
        let psk = PresharedKey(raw: Bytes32(Array(repeating: 7, count: 32))!)
        #expect(device.apply([
            .privateKey(own),
            .peer(p1), .presharedKey(psk), .endpoint(Endpoint("192.0.2.1:51820")!), .persistentKeepaliveInterval(25),
            .allowedIP(IPPrefix("10.1.0.0/16")!), .allowedIP(IPPrefix("fd01::/64")!),
            .peer(p2), .allowedIP(IPPrefix("10.2.0.0/16")!),
            .peer(p3), .updateOnly, .allowedIP(IPPrefix("10.3.0.0/16")!),
        ]) == nil)
        var snapshot = device.snapshot()
        #expect(snapshot.privateKey == own && snapshot.listenPort != 0, "a random port is bound from the start")
        #expect(snapshot.peers.map(\.publicKey) == [p1, p2], "update_only does not create")
        let first = snapshot.peers[0]
        #expect(first.presharedKey == psk && first.endpoint == Endpoint("192.0.2.1:51820") && first.persistentKeepaliveInterval == 25)
        #expect(first.allowedIPs == [IPPrefix("10.1.0.0/16")!, IPPrefix("fd01::/64")!])

        // An allowed IP moves to the peer that claims it last; replace_allowed_ips clears first.
        #expect(device.apply([.peer(p2), .allowedIP(IPPrefix("10.1.0.0/16")!), .peer(p1), .replaceAllowedIPs,
                              .allowedIP(IPPrefix("10.9.0.0/16")!), .presharedKey(nil), .persistentKeepaliveInterval(nil)]) == nil)
        snapshot = device.snapshot()
        #expect(snapshot.peers[0].allowedIPs == [IPPrefix("10.9.0.0/16")!] && snapshot.peers[0].presharedKey == nil)
        #expect(snapshot.peers[0].persistentKeepaliveInterval == nil)
        #expect(snapshot.peers[1].allowedIPs == [IPPrefix("10.2.0.0/16")!, IPPrefix("10.1.0.0/16")!])

        // remove, then replace_peers with a fresh set; our own key is ignored as a peer.
        #expect(device.apply([.peer(p1), .removePeer]) == nil)
        #expect(device.snapshot().peers.map(\.publicKey) == [p2])
        #expect(device.apply([.replacePeers, .peer(p3), .allowedIP(IPPrefix("10.3.0.0/16")!), .peer(own.publicKey)]) == nil)
        snapshot = device.snapshot()
        #expect(snapshot.peers.map(\.publicKey) == [p3] && snapshot.peers[0].allowedIPs == [IPPrefix("10.3.0.0/16")!])

        #expect(device.apply([.privateKey(nil), .fwmark(0x42)]) == nil)
        #expect(device.snapshot().privateKey == nil && device.snapshot().fwmark == 0x42)
    }

    @Test func listenPortRebindsAndReportsAPortInUse() throws {
        let (ns, device) = try Self.device()
        defer { device.close(); ns.remove() }
        #expect(try ns.run { device.apply([.listenPort(51555)]) } == nil)
        #expect(device.snapshot().listenPort == 51555)
        let blocker = try ns.run { try UDPEcho.socket(bindTo: "0.0.0.0", port: 51666) }
        defer { close(blocker) }
        let error = try ns.run { device.apply([.listenPort(51666)]) }
        #expect(error?.errno == EADDRINUSE)
        #expect(device.snapshot().listenPort == 51555, "still on the old port")
    }

    @Test func invalidOptionsAreRefusedWithAMessage() {
        #expect(throws: DeviceError.self) { try Device(options: DeviceOptions(interfaceName: "hzdv", mtu: 10)) }
        #expect(throws: DeviceError.self) { try Device(options: DeviceOptions(interfaceName: "an-interface-name-too-long")) }
    }
}
