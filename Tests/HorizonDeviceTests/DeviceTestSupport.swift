import Foundation
import HorizonCore
import HorizonCrypto
import HorizonDevice
import HorizonNetnsKit

/// Two network namespaces joined by a veth pair, each holding a WireGuard interface with
/// tunnel addresses, configured as each other's peer: a is a Horizon `Device`; b is one
/// too, or a wireguard-go process configured with `wg`. Everything is removed by `close()`
/// (and the namespaces by their own deinit if a test fails before that).
///
/// Underlay: 10.77.0.1/24 and fd77::1/64 (a), 10.77.0.2/24 and fd77::2/64 (b).
/// Tunnel:   10.78.0.1/24 and fd78::1/64 (a), 10.78.0.2/24 and fd78::2/64 (b).
final class DevicePair: @unchecked Sendable {
    struct Side {
        let namespace: NetworkNamespace
        /// nil for the wireguard-go side.
        let device: Device!
        let privateKey: PrivateKey
        let underlay4: String
        let underlay6: String
        let tunnel4: String
        let tunnel6: String
        var publicKey: PublicKey { privateKey.publicKey }
    }

    static let port: UInt16 = 51820
    let a: Side
    let b: Side

    /// - Parameters:
    ///   - outerIPv6: peers reach each other over the IPv6 underlay instead of IPv4.
    ///   - aKnowsB: a is given b's endpoint; otherwise a learns it when b writes first.
    private let wireguardGo: WireGuardGoProcess?

    init(outerIPv6: Bool = false, aKnowsB: Bool = true, mtu: Int = 1420, peerIsWireGuardGo: Bool = false) throws {
        let nsA = try NetworkNamespace(prefix: "hzdv")
        let nsB = try NetworkNamespace(prefix: "hzdv")
        try Command.run(["ip", "link", "add", "hzdv-a", "netns", nsA.name, "type", "veth", "peer", "name", "hzdv-b", "netns", nsB.name])
        a = try Self.side(nsA, veth: "hzdv-a", host: 1, mtu: mtu) { try nsA.run { try Device(options: DeviceOptions(interfaceName: "hzdv%d", mtu: mtu)) } }
        var process: WireGuardGoProcess?
        b = try Self.side(nsB, veth: "hzdv-b", host: 2, mtu: mtu) {
            guard peerIsWireGuardGo else { return try nsB.run { try Device(options: DeviceOptions(interfaceName: "hzdv%d", mtu: mtu)) } }
            process = try WireGuardGoProcess(namespace: nsB)
            return nil
        }
        wireguardGo = process
        try configure(a, peer: b, endpoint: aKnowsB, outerIPv6: outerIPv6)
        try configure(b, peer: a, endpoint: true, outerIPv6: outerIPv6)
    }

    private static func side(_ ns: NetworkNamespace, veth: String, host: Int, mtu: Int, make: () throws -> Device?) throws -> Side {
        try ns.ip("addr", "add", "10.77.0.\(host)/24", "dev", veth)
        try ns.ip("addr", "add", "fd77::\(host)/64", "dev", veth, "nodad")
        try ns.ip("link", "set", veth, "up")
        let device = try make()
        let name = device?.interfaceName ?? WireGuardGoProcess.interfaceName
        try ns.ip("link", "set", name, "mtu", "\(mtu)")
        try ns.ip("addr", "add", "10.78.0.\(host)/24", "dev", name)
        try ns.ip("addr", "add", "fd78::\(host)/64", "dev", name, "nodad")
        try ns.ip("link", "set", name, "up")
        return Side(namespace: ns, device: device, privateKey: X25519.generatePrivateKey(),
                    underlay4: "10.77.0.\(host)", underlay6: "fd77::\(host)", tunnel4: "10.78.0.\(host)", tunnel6: "fd78::\(host)")
    }

    private func configure(_ side: Side, peer: Side, endpoint: Bool, outerIPv6: Bool) throws {
        guard side.device != nil else {
            let address = outerIPv6 ? "[\(peer.underlay6)]" : peer.underlay4
            try wireguardGo?.configure(privateKey: side.privateKey, port: Self.port, peer: peer.publicKey,
                                       allowedIPs: "\(peer.tunnel4)/32,\(peer.tunnel6)/128", endpoint: endpoint ? "\(address):\(Self.port)" : nil)
            return
        }
        var operations: [UAPISetOperation] = [
            .privateKey(side.privateKey), .listenPort(Self.port), .peer(peer.publicKey),
            .allowedIP(IPPrefix("\(peer.tunnel4)/32")!), .allowedIP(IPPrefix("\(peer.tunnel6)/128")!),
        ]
        if endpoint {
            let address = IPAddress(outerIPv6 ? peer.underlay6 : peer.underlay4)!
            operations.append(.endpoint(Endpoint(address: address, port: Self.port)))
        }
        try apply(operations, on: side)
    }

    /// Applies inside the side's namespace (a rebind creates sockets there).
    func apply(_ operations: [UAPISetOperation], on side: Side) throws {
        guard let device = side.device else { return }
        if let error = try side.namespace.run({ device.apply(operations) }) { throw error }
    }

    func close() {
        a.device?.close()
        b.device?.close()
        wireguardGo?.stop()
        a.namespace.remove()
        b.namespace.remove()
    }

    /// A UDP echo through the tunnel ("ping" with the kernel's own sockets): `from` sends
    /// `count` datagrams of `size` bytes to `address` (a tunnel address of `to`), `to`
    /// echoes each back. Throws unless every echo returns intact.
    func echo(from: Side, to: Side, address: String, count: Int = 3, size: Int = 56) throws {
        let server = try to.namespace.run { try UDPEcho.socket(bindTo: address, port: 7) }
        defer { Glibc.close(server) }
        let client = try from.namespace.run { try UDPEcho.socket(bindTo: nil, port: 0, ipv6: address.contains(":")) }
        defer { Glibc.close(client) }
        let done = DispatchSemaphore(value: 0)
        Thread {
            UDPEcho.serve(server, count: count)
            done.signal()
        }.start()
        defer { done.wait() }
        for i in 0..<count {
            let payload = testPattern(size, seed: UInt64(i + 1))
            try UDPEcho.roundTrip(client, payload, to: address, port: 7)
        }
    }

    /// Sends `bytes` over one TCP connection from `from` to `to`'s tunnel address and
    /// returns what the far end received.
    func transferTCP(_ bytes: [UInt8], from: Side, to: Side, port: UInt16 = 5201) throws -> [UInt8] {
        let listener = try to.namespace.run { try BlockingTCP.socket(timeoutMilliseconds: 10_000) }
        defer { Glibc.close(listener) }
        try BlockingTCP.listen(listener, ip: to.tunnel4, port: port)
        let client = try from.namespace.run { try BlockingTCP.socket(timeoutMilliseconds: 10_000) }
        let received = ReceivedBytes()
        let done = DispatchSemaphore(value: 0)
        let count = bytes.count
        Thread {
            defer { done.signal() }
            guard let connection = try? BlockingTCP.accept(listener, timeoutMilliseconds: 10_000) else { return }
            defer { Glibc.close(connection) }
            var buffer = [UInt8](repeating: 0, count: count)
            let n = (try? buffer.withUnsafeMutableBytes { try BlockingTCP.receiveAll(connection, $0) }) ?? 0
            received.value = Array(buffer.prefix(n))
        }.start()
        do {
            try BlockingTCP.connect(client, ip: to.tunnel4, port: port)
            try bytes.withUnsafeBytes { try BlockingTCP.sendAll(client, $0) }
        } catch {
            Glibc.close(client)
            done.wait()
            throw error
        }
        Glibc.close(client)
        done.wait()
        return received.value
    }
}

/// Carries the receiver thread's result out; the semaphore orders the accesses.
private final class ReceivedBytes: @unchecked Sendable {
    var value: [UInt8] = []
}

/// Deterministic filler that makes misplaced or repeated bytes visible.
func testPattern(_ count: Int, seed: UInt64) -> [UInt8] {
    var state = seed
    return (0..<count).map { _ in
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return UInt8(truncatingIfNeeded: state >> 33)
    }
}
