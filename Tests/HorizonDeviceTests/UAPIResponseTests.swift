import HorizonCore
import HorizonDevice
import Testing

@Suite struct UAPIResponseTests {
    private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    /// Byte for byte what wireguard-go answered to `get=1` for the same state.
    @Test func matchesWireGuardGo() {
        let snapshot = UAPIDeviceSnapshot(
            privateKey: PrivateKey(hex: "10" + String(repeating: "11", count: 30) + "51"),
            listenPort: 51999,
            fwmark: 7,
            peers: [UAPIPeerSnapshot(
                publicKey: PublicKey(hex: String(repeating: "22", count: 32))!,
                presharedKey: PresharedKey(hex: String(repeating: "11", count: 32)),
                endpoint: Endpoint("127.0.0.1:1234"),
                persistentKeepaliveInterval: 25,
                allowedIPs: [IPPrefix("10.0.0.0/24")!, IPPrefix("fd00::/64")!])])
        #expect(text(UAPIResponse.get(snapshot)) == """
            private_key=1011111111111111111111111111111111111111111111111111111111111151
            listen_port=51999
            fwmark=7
            public_key=2222222222222222222222222222222222222222222222222222222222222222
            preshared_key=1111111111111111111111111111111111111111111111111111111111111111
            protocol_version=1
            endpoint=127.0.0.1:1234
            last_handshake_time_sec=0
            last_handshake_time_nsec=0
            tx_bytes=0
            rx_bytes=0
            persistent_keepalive_interval=25
            allowed_ip=10.0.0.0/24
            allowed_ip=fd00::/64
            errno=0


            """)
    }

    @Test func anEmptyDeviceSaysOnlyItsStatus() {
        #expect(text(UAPIResponse.get(UAPIDeviceSnapshot())) == "errno=0\n\n")
    }

    /// The state `wg show` renders as "latest handshake", "transfer" and an IPv6 endpoint.
    @Test func handshakeTimeCountersAndIPv6Endpoint() {
        let peer = UAPIPeerSnapshot(
            publicKey: PublicKey(hex: String(repeating: "22", count: 32))!,
            endpoint: Endpoint("[fd00::1]:1234"),
            lastHandshake: .seconds(1_700_000_000) + .nanoseconds(5),
            txBytes: 100, rxBytes: UInt64.max)
        #expect(text(UAPIResponse.get(UAPIDeviceSnapshot(listenPort: 1, peers: [peer]))) == """
            listen_port=1
            public_key=2222222222222222222222222222222222222222222222222222222222222222
            preshared_key=0000000000000000000000000000000000000000000000000000000000000000
            protocol_version=1
            endpoint=[fd00::1]:1234
            last_handshake_time_sec=1700000000
            last_handshake_time_nsec=5
            tx_bytes=100
            rx_bytes=18446744073709551615
            persistent_keepalive_interval=0
            errno=0


            """)
    }

    @Test func piecesAddUpToTheWholeAnswer() {
        let peers = (0..<3).map { i in
            UAPIPeerSnapshot(publicKey: PublicKey(hex: String(repeating: "0\(i)", count: 32))!,
                             allowedIPs: [IPPrefix("10.\(i).0.0/16")!])
        }
        let snapshot = UAPIDeviceSnapshot(listenPort: 9, peers: peers)
        var streamed: [UInt8] = []
        UAPIResponse.appendDevice(snapshot, to: &streamed)
        for peer in peers { UAPIResponse.appendPeer(peer, to: &streamed) }
        UAPIResponse.appendStatus(nil, to: &streamed)
        #expect(streamed == UAPIResponse.get(snapshot))
    }

    @Test func manyAllowedIPs() {
        let prefixes = (0..<100_000).map { i in
            IPPrefix(address: .v4(IPv4Address(UInt32(0x0A00_0000 + i))), length: 32)
        } + [IPPrefix("2001:db8::/32")!]
        let peer = UAPIPeerSnapshot(publicKey: PublicKey(raw: .zero), allowedIPs: prefixes)
        let lines = text(UAPIResponse.get(UAPIDeviceSnapshot(peers: [peer]))).split(separator: "\n")
        let allowed = lines.filter { $0.hasPrefix("allowed_ip=") }
        #expect(allowed.count == 100_001)
        #expect(allowed.first == "allowed_ip=10.0.0.0/32")
        #expect(allowed[99_999] == "allowed_ip=10.1.134.159/32")
        #expect(allowed.last == "allowed_ip=2001:db8::/32")
    }
}
