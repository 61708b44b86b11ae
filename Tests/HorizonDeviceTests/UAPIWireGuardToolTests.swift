import Foundation
import HorizonCore
import HorizonDevice
import Testing

private let wgTool = "/usr/bin/wg"
private let wgToolCanRun = getuid() == 0 && FileManager.default.isExecutableFile(atPath: wgTool)

/// The real `wg` tool (wireguard-tools) talking to our UAPI codec over a socket.
@Suite(.enabled(if: wgToolCanRun, "needs root and the wg tool"), .serialized)
struct UAPIWireGuardToolTests {

    static let snapshot = UAPIDeviceSnapshot(
        privateKey: PrivateKey(base64: WireGuardConfigTests.privateKey),
        listenPort: 51820,
        fwmark: 0x1234,
        peers: [
            UAPIPeerSnapshot(
                publicKey: PublicKey(base64: WireGuardConfigTests.peerA)!,
                presharedKey: PresharedKey(base64: WireGuardConfigTests.psk),
                endpoint: Endpoint("[2001:db8::1]:51820"),
                lastHandshake: .seconds(1_700_000_000) + .nanoseconds(123),
                txBytes: 1000, rxBytes: 2000,
                persistentKeepaliveInterval: 25,
                allowedIPs: [IPPrefix("10.192.122.3/32")!, IPPrefix("fd00:1::/48")!]),
            UAPIPeerSnapshot(publicKey: PublicKey(base64: WireGuardConfigTests.peerB)!),
        ])

    /// Runs wg with the arguments; returns its exit status and standard output.
    private func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: wgTool)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = Data(ReadToEnd.bytes(of: output.fileHandleForReading.fileDescriptor))
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func wgShowReadsOurGetAnswer() throws {
        let device = try UAPISocketDouble(snapshot: Self.snapshot)
        defer { device.stop() }
        let (status, output) = try run(["show", device.interfaceName, "dump"])
        #expect(status == 0)
        let lines = output.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        try #require(lines.count == 3)
        #expect(lines[0][0] == WireGuardConfigTests.privateKey)
        #expect(lines[0][2...] == ["51820", "0x1234"])
        #expect(lines[1] == [WireGuardConfigTests.peerA, WireGuardConfigTests.psk, "[2001:db8::1]:51820",
                             "10.192.122.3/32,fd00:1::/48", "1700000000", "2000", "1000", "25"])
        #expect(lines[2] == [WireGuardConfigTests.peerB, "(none)", "(none)", "(none)", "0", "0", "0", "off"])
    }

    @Test func wgSetSpeaksOurSetRequest() throws {
        let device = try UAPISocketDouble(snapshot: UAPIDeviceSnapshot())
        defer { device.stop() }
        let (status, _) = try run([
            "set", device.interfaceName, "listen-port", "51821", "fwmark", "off",
            "peer", WireGuardConfigTests.peerA, "endpoint", "127.0.0.1:51820",
            "persistent-keepalive", "off", "allowed-ips", "10.0.0.0/24,fd00::/64",
            "peer", WireGuardConfigTests.peerB, "remove",
        ])
        #expect(status == 0)
        #expect(device.operations == [
            .listenPort(51821), .fwmark(nil),
            .peer(PublicKey(base64: WireGuardConfigTests.peerA)!), .endpoint(Endpoint("127.0.0.1:51820")!),
            .persistentKeepaliveInterval(nil), .replaceAllowedIPs,
            .allowedIP(IPPrefix("10.0.0.0/24")!), .allowedIP(IPPrefix("fd00::/64")!),
            .peer(PublicKey(base64: WireGuardConfigTests.peerB)!), .removePeer,
        ])
    }

    /// `wg setconf` and our parser read the same file; what wg sends must be what we read.
    @Test func wgSetconfAgreesWithOurConfigParser() throws {
        let text = """
            [Interface]
            PrivateKey = \(WireGuardConfigTests.privateKey)
            ListenPort = 51820
            FwMark = 0x1234
            [Peer]
            PublicKey = \(WireGuardConfigTests.peerA)
            PresharedKey = \(WireGuardConfigTests.psk)
            AllowedIPs = 10.192.122.3/32, 10.192.124.0/24
            AllowedIPs = fd00:1::/48
            Endpoint = [2001:db8::1]:51820
            PersistentKeepalive = 25
            [Peer]
            PublicKey = \(WireGuardConfigTests.peerB)
            AllowedIPs = 0.0.0.0/0
            Endpoint = 192.95.5.69:51820
            """
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("hzeng-\(UUID().uuidString).conf")
        try text.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let device = try UAPISocketDouble(snapshot: UAPIDeviceSnapshot())
        defer { device.stop() }

        #expect(try run(["setconf", device.interfaceName, file.path]).status == 0)
        let config = try WireGuardConfig.parse(text, fileName: file.lastPathComponent)
        var expected: [UAPISetOperation] = [
            .privateKey(config.interface.privateKey), .listenPort(config.interface.listenPort ?? 0),
            .fwmark(config.interface.fwMark), .replacePeers,
        ]
        for peer in config.peers {
            expected.append(.peer(peer.publicKey))
            if let psk = peer.presharedKey { expected.append(.presharedKey(psk)) }
            if let endpoint = peer.endpoint { expected.append(.endpoint(endpoint)) }
            if let keepalive = peer.persistentKeepalive { expected.append(.persistentKeepaliveInterval(keepalive)) }
            expected.append(.replaceAllowedIPs)
            expected += peer.allowedIPs.map { .allowedIP($0) }
        }
        #expect(device.operations == expected)
    }
}
