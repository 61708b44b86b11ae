import Foundation
import HorizonCore
import HorizonCrypto
import HorizonDevice
import HorizonNAT
import HorizonNetnsKit
import HorizonUDP
import Testing

/// Two devices that cannot reach each other directly talk WireGuard through Horizon's own
/// TURN relay with no proxy: each allocates from its own WireGuard socket (a `TURNSession`
/// sending through the device and fed by its datagram handler), binds a channel to the
/// other's relayed address, and its peer's endpoint becomes "relay, channel". Namespaces:
/// a (10.81.0.1) and b (10.81.1.1), each joined to r (10.81.0.2, 10.81.1.2) which runs the
/// relay and does not forward.
@Suite(.serialized) struct DeviceRelayChannelTests {
    @Test(.enabled(if: NetworkNamespace.isAvailable, "needs root and /dev/net/tun"), .timeLimit(.minutes(1)))
    func wireGuardThroughARelayChannelFromTheDevicesSocket() throws {
        let nsA = try NetworkNamespace(prefix: "hznatc")
        let nsB = try NetworkNamespace(prefix: "hznatc")
        let nsR = try NetworkNamespace(prefix: "hznatc")
        defer { nsA.remove(); nsB.remove(); nsR.remove() }
        for (ns, side) in [(nsA, 0), (nsB, 1)] {
            try Command.run(["ip", "link", "add", "hznatc\(side)", "netns", ns.name, "type", "veth", "peer", "name", "hznatc-r\(side)", "netns", nsR.name])
            try ns.ip("addr", "add", "10.81.\(side).1/24", "dev", "hznatc\(side)")
            try ns.ip("link", "set", "hznatc\(side)", "up")
            try ns.ip("route", "add", "default", "via", "10.81.\(side).2")
            try nsR.ip("addr", "add", "10.81.\(side).2/24", "dev", "hznatc-r\(side)")
            try nsR.ip("link", "set", "hznatc-r\(side)", "up")
        }
        let relayAddress = UDPAddress(ip: IPAddress("10.81.0.2")!, port: 3478)
        let credentials = TURNCredentials(username: "horizon", password: "relay test")
        let server = try nsR.run {
            let server = try TURNRelayServer(listen: relayAddress, configuration: TURNServerConfiguration(realm: "horizon.test", users: ["horizon": "relay test"]))
            server.start()
            return server
        }
        defer { server.stop() }

        let a = try nsA.run { try Device(options: DeviceOptions(interfaceName: "hznatc%d")) }
        defer { a.close() }
        let b = try nsB.run { try Device(options: DeviceOptions(interfaceName: "hznatc%d")) }
        defer { b.close() }
        let (keyA, keyB) = (X25519.generatePrivateKey(), X25519.generatePrivateKey())
        try configure(a, in: nsA, key: keyA, tunnel: "10.82.0.1", peer: keyB.publicKey, peerTunnel: "10.82.0.2")
        try configure(b, in: nsB, key: keyB, tunnel: "10.82.0.2", peer: keyA.publicKey, peerTunnel: "10.82.0.1")
        let sessionA = session(on: a, server: relayAddress, credentials: credentials)
        defer { sessionA.close() }
        let sessionB = session(on: b, server: relayAddress, credentials: credentials)
        defer { sessionB.close() }

        let relayedA = try sessionA.allocate(timeout: .seconds(5)).relayed
        let relayedB = try sessionB.allocate(timeout: .seconds(5)).relayed
        let channelA = try sessionA.bindChannel(to: relayedB, timeout: .seconds(5))
        let channelB = try sessionB.bindChannel(to: relayedA, timeout: .seconds(5))
        #expect(a.setRelayedEndpoint(relayAddress, channel: channelA, for: keyB.publicKey))
        #expect(b.setRelayedEndpoint(relayAddress, channel: channelB, for: keyA.publicKey))
        #expect(!a.setRelayedEndpoint(relayAddress, channel: 0x1234, for: keyB.publicKey), "not a TURN channel")

        try Command.run(["ip", "netns", "exec", nsA.name, "ping", "-c", "3", "-i", "0.2", "-W", "3", "10.82.0.2"])
        // A bulk transfer: equal-sized datagrams, so the device's ChannelData goes out segmented.
        try Command.run(["ip", "netns", "exec", nsB.name, "ping", "-c", "20", "-i", "0.01", "-s", "1300", "-W", "3", "10.82.0.1"])
        // Both ends still send on their channel: the handshake's and the packets' roaming kept it.
        #expect(a.relayChannel(of: keyB.publicKey) == channelA)
        #expect(b.relayChannel(of: keyA.publicKey) == channelB)
        #expect(a.counters.rxPackets >= 23 && b.counters.rxPackets >= 23)
        #expect(a.counters.droppedMalformed == 0 && b.counters.droppedMalformed == 0)
    }

    /// A TURN session on the device's socket: requests leave through `sendDatagram`, and what
    /// the relay sends that WireGuard does not take (its answers) comes back through the handler.
    private func session(on device: Device, server: UDPAddress, credentials: TURNCredentials) -> TURNSession {
        let session = TURNSession(server: server, credentials: credentials,
                                  sending: { device.sendDatagram($0, to: server) }, onData: { _, _ in })
        device.setDatagramHandler(accepting: DatagramKind.isNATTraversal) { datagram in
            if datagram.source == server { session.receive(fromServer: datagram.bytes) }
        }
        return session
    }

    private func configure(_ device: Device, in ns: NetworkNamespace, key: PrivateKey, tunnel: String,
                           peer: PublicKey, peerTunnel: String) throws {
        let operations: [UAPISetOperation] = [.privateKey(key), .listenPort(51820), .peer(peer), .allowedIP(IPPrefix("\(peerTunnel)/32")!)]
        if let error = try ns.run({ device.apply(operations) }) { throw error }
        try ns.ip("addr", "add", "\(tunnel)/24", "dev", device.interfaceName)
        try ns.ip("link", "set", device.interfaceName, "up")
    }
}
