import Foundation
import HorizonCore
import HorizonCrypto
import HorizonDevice
import HorizonNAT
import HorizonNetnsKit
import HorizonUDP
import Synchronization
import Testing

/// The device's WireGuard port carries STUN too: a Binding request sent with
/// `Device.sendDatagram` comes back through the datagram handler with the device's own
/// address and port as XOR-MAPPED-ADDRESS, while WireGuard keeps flowing on that socket.
/// Two namespaces joined by a veth pair: 10.79.0.1 (a), 10.79.0.2 (b, also the STUN server).
@Suite(.serialized) struct DeviceDatagramHookTests {
    @Test(.enabled(if: NetworkNamespace.isAvailable, "needs root and /dev/net/tun"))
    func stunOnTheWireGuardPortWhileWireGuardFlows() throws {
        let nsA = try NetworkNamespace(prefix: "hznat")
        let nsB = try NetworkNamespace(prefix: "hznat")
        defer { nsA.remove(); nsB.remove() }
        try Command.run(["ip", "link", "add", "hznat-a", "netns", nsA.name, "type", "veth", "peer", "name", "hznat-b", "netns", nsB.name])
        for (ns, host, veth) in [(nsA, 1, "hznat-a"), (nsB, 2, "hznat-b")] {
            try ns.ip("addr", "add", "10.79.0.\(host)/24", "dev", veth)
            try ns.ip("link", "set", veth, "up")
        }
        let a = try nsA.run { try Device(options: DeviceOptions(interfaceName: "hznat%d")) }
        defer { a.close() }
        let b = try nsB.run { try Device(options: DeviceOptions(interfaceName: "hznat%d")) }
        defer { b.close() }
        let (keyA, keyB) = (X25519.generatePrivateKey(), X25519.generatePrivateKey())
        try configure(a, in: nsA, key: keyA, port: 51820, tunnel: "10.80.0.1", peer: keyB.publicKey, peerTunnel: "10.80.0.2", endpoint: "10.79.0.2")
        try configure(b, in: nsB, key: keyB, port: 51820, tunnel: "10.80.0.2", peer: keyA.publicKey, peerTunnel: "10.80.0.1", endpoint: "10.79.0.1")

        let received = Inbox()
        a.setDatagramHandler(accepting: DatagramKind.isNATTraversal) { received.put($0) }
        let stunSocket = try nsB.run { try UDPSocket(family: .ipv4, address: IPAddress("10.79.0.2")!) }
        let server = STUNServer(sockets: [stunSocket])
        server.start()
        defer { server.stop() }
        let stunAddress = UDPAddress(ip: IPAddress("10.79.0.2")!, port: stunSocket.port)

        // Before and after the STUN exchange, WireGuard works on the same socket.
        try Command.run(["ip", "netns", "exec", nsA.name, "ping", "-c", "2", "-W", "3", "10.80.0.2"])
        let request = STUNMessage(type: .bindingRequest)
        var response: STUNMessage?
        for _ in 0..<3 where response == nil {
            #expect(a.sendDatagram(request.encoded(fingerprint: true), to: stunAddress))
            response = received.take(within: .seconds(1)).flatMap { try? STUNReceivedMessage.parse($0.bytes).message }
        }
        let answer = try #require(response)
        #expect(answer.transactionID == request.transactionID)
        #expect(answer.reflexiveAddress == UDPAddress(ip: IPAddress("10.79.0.1")!, port: 51820))
        try Command.run(["ip", "netns", "exec", nsA.name, "ping", "-c", "2", "-W", "3", "10.80.0.2"])

        // What the filter refuses is still counted as malformed, not handed over.
        let stray = try nsB.run { try UDPSocket(family: .ipv4) }
        let strayBatch = UDPSendBatch(capacity: 1)
        let garbage: [UInt8] = Array(repeating: 0x99, count: 40)
        garbage.withUnsafeBytes { raw in
            strayBatch.append(raw, to: UDPAddress(ip: IPAddress("10.79.0.1")!, port: 51820))
            _ = stray.send(strayBatch)
        }
        #expect(received.take(within: .milliseconds(300)) == nil)
        #expect(a.counters.droppedMalformed == 1)
        #expect(a.counters.rxPackets >= 4)
        #expect(a.datagramCounters.delivered >= 1 && a.datagramCounters.droppedQueueFull == 0)
    }

    private func configure(_ device: Device, in ns: NetworkNamespace, key: PrivateKey, port: UInt16, tunnel: String,
                           peer: PublicKey, peerTunnel: String, endpoint: String) throws {
        let operations: [UAPISetOperation] = [
            .privateKey(key), .listenPort(port), .peer(peer),
            .allowedIP(IPPrefix("\(peerTunnel)/32")!), .endpoint(Endpoint(address: IPAddress(endpoint)!, port: port)),
        ]
        if let error = try ns.run({ device.apply(operations) }) { throw error }
        try ns.ip("addr", "add", "\(tunnel)/24", "dev", device.interfaceName)
        try ns.ip("link", "set", device.interfaceName, "up")
    }
}

/// Datagrams from the handler's thread to the test's, in order.
final class Inbox: Sendable {
    private let items = Mutex<[DeviceDatagram]>([])
    private let arrived = DispatchSemaphore(value: 0)

    func put(_ datagram: DeviceDatagram) {
        items.withLock { $0.append(datagram) }
        arrived.signal()
    }

    func take(within timeout: Duration) -> DeviceDatagram? {
        let nanoseconds = Int(timeout.components.seconds) * 1_000_000_000 + Int(timeout.components.attoseconds / 1_000_000_000)
        guard arrived.wait(timeout: .now() + .nanoseconds(nanoseconds)) == .success else { return nil }
        return items.withLock { $0.removeFirst() }
    }
}
