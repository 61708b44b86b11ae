import HorizonCore
import HorizonDevice
import Testing

/// Requests as `wg` (wireguard-tools 1.0.20210914) sends them, captured from its socket.
@Suite struct UAPIRequestDecoderTests {
    static let privateKeyHex = "c809f3e5317e9575c9b5ed78b638b7ce530dabe85ddab614220241801ddf0669"
    static let peerAHex = "c53201039adba14be71f886da1d8dbe9eebded08cb111b75340078999aa9f038"
    static let peerBHex = "4eb32f4a83f88d842563a448cc181bb2c42a637bf12363e2fb2ef594e5965d7d"
    static let pskHex = "1690b2870b3d731c16a15e3110bb5f26f8c937ecd05513c84a59515a07a8a551"
    static let zeroHex = String(repeating: "0", count: 64)

    /// `wg setconf wg0 wg0.conf` for the two-peer file of WireGuardConfigTests.
    static let setconf = """
        set=1
        private_key=\(privateKeyHex)
        listen_port=51820
        fwmark=4660
        replace_peers=true
        public_key=\(peerAHex)
        preshared_key=\(pskHex)
        endpoint=[2001:db8::1]:51820
        persistent_keepalive_interval=25
        replace_allowed_ips=true
        allowed_ip=10.192.122.3/32
        allowed_ip=10.192.124.0/24
        public_key=\(peerBHex)
        endpoint=192.95.5.69:51820
        replace_allowed_ips=true
        allowed_ip=0.0.0.0/0
        allowed_ip=::/0


        """

    static func decode(_ text: String) -> [UAPIRequestDecoder.Event] {
        var decoder = UAPIRequestDecoder()
        decoder.append(text.utf8)
        return drain(&decoder)
    }

    static func drain(_ decoder: inout UAPIRequestDecoder) -> [UAPIRequestDecoder.Event] {
        var events: [UAPIRequestDecoder.Event] = []
        while let event = decoder.next() { events.append(event) }
        return events
    }

    @Test func setconf() {
        #expect(Self.decode(Self.setconf) == [
            .set(.privateKey(PrivateKey(base64: WireGuardConfigTests.privateKey))),
            .set(.listenPort(51820)),
            .set(.fwmark(0x1234)),
            .set(.replacePeers),
            .set(.peer(PublicKey(base64: WireGuardConfigTests.peerA)!)),
            .set(.presharedKey(PresharedKey(base64: WireGuardConfigTests.psk))),
            .set(.endpoint(Endpoint("[2001:db8::1]:51820")!)),
            .set(.persistentKeepaliveInterval(25)),
            .set(.replaceAllowedIPs),
            .set(.allowedIP(IPPrefix("10.192.122.3/32")!)),
            .set(.allowedIP(IPPrefix("10.192.124.0/24")!)),
            .set(.peer(PublicKey(base64: WireGuardConfigTests.peerB)!)),
            .set(.endpoint(Endpoint("192.95.5.69:51820")!)),
            .set(.replaceAllowedIPs),
            .set(.allowedIP(IPPrefix("0.0.0.0/0")!)),
            .set(.allowedIP(IPPrefix("::/0")!)),
            .setCompleted,
        ])
    }

    /// `wg set wg0 peer B remove`
    @Test func removePeer() {
        #expect(Self.decode("set=1\npublic_key=\(Self.peerBHex)\nremove=true\n\n") == [
            .set(.peer(PublicKey(hex: Self.peerBHex)!)), .set(.removePeer), .setCompleted,
        ])
    }

    /// `wg set wg0 private-key /dev/null listen-port 0 fwmark off peer B preshared-key
    /// /dev/null persistent-keepalive off allowed-ips ""`: zero and off become nil.
    @Test func clearingValues() {
        let request = """
            set=1
            private_key=\(Self.zeroHex)
            listen_port=0
            fwmark=0
            public_key=\(Self.peerBHex)
            preshared_key=\(Self.zeroHex)
            persistent_keepalive_interval=0
            replace_allowed_ips=true


            """
        #expect(Self.decode(request) == [
            .set(.privateKey(nil)), .set(.listenPort(0)), .set(.fwmark(nil)),
            .set(.peer(PublicKey(hex: Self.peerBHex)!)), .set(.presharedKey(nil)),
            .set(.persistentKeepaliveInterval(nil)), .set(.replaceAllowedIPs), .setCompleted,
        ])
    }

    @Test func updateOnlyAndProtocolVersion() {
        #expect(Self.decode("set=1\npublic_key=\(Self.peerAHex)\nupdate_only=true\nprotocol_version=1\n\n") == [
            .set(.peer(PublicKey(hex: Self.peerAHex)!)), .set(.updateOnly), .set(.protocolVersion(1)), .setCompleted,
        ])
    }

    @Test func severalRequestsOnOneConnection() {
        #expect(Self.decode("get=1\n\nset=1\nlisten_port=1\n\nget=1\n\n") == [
            .get, .set(.listenPort(1)), .setCompleted, .get,
        ])
    }

    @Test func bytesMayArriveOneAtATime() {
        var decoder = UAPIRequestDecoder()
        var events: [UAPIRequestDecoder.Event] = []
        for byte in Self.setconf.utf8 {
            decoder.append(CollectionOfOne(byte))
            events += Self.drain(&decoder)
        }
        #expect(events == Self.decode(Self.setconf))
        #expect(events.count == 17)
    }

    @Test func incompleteRequestsWaitForMoreBytes() {
        var decoder = UAPIRequestDecoder()
        decoder.append("get=1\n".utf8)
        #expect(decoder.next() == nil)
        decoder.append("\nset=1\nlisten_po".utf8)
        #expect(decoder.next() == .get)
        #expect(decoder.next() == nil)
        decoder.append("rt=7\n".utf8)
        #expect(decoder.next() == .set(.listenPort(7)))
        #expect(decoder.next() == nil)
    }

    @Test func unknownRequestsCloseTheConnection() {
        #expect(Self.decode("hello\nget=1\n\n") == [.unknownRequest])
        #expect(Self.decode("\n") == [.unknownRequest])
        #expect(Self.decode("get=1\r\n\r\n") == [.unknownRequest])
    }

    @Test func nothingFollowsAFailure() {
        var decoder = UAPIRequestDecoder()
        decoder.append("set=1\nlisten_port=x\nlisten_port=1\n\nget=1\n\n".utf8)
        #expect(decoder.next() == .failed(.invalid("listen_port 'x' is not a number in 0...65535")))
        decoder.append("get=1\n\n".utf8)
        #expect(decoder.next() == nil)
    }

    @Test func overlongLinesAreRefused() {
        var decoder = UAPIRequestDecoder()
        decoder.append("set=1\nallowed_ip=".utf8)
        decoder.append(repeatElement(UInt8(ascii: "1"), count: UAPIRequestDecoder.maximumLineLength))
        #expect(decoder.next().map(Self.errno) == 5)
        // Also when the newline has already arrived.
        let line = "set=1\n" + String(repeating: "x", count: UAPIRequestDecoder.maximumLineLength + 1) + "\n\n"
        #expect(Self.decode(line).map(Self.errno) == [5])
    }

    /// A `set` of 200,000 allowed IPs, streamed in 64 KiB reads.
    @Test func hugeSetsStream() {
        var request = "set=1\npublic_key=\(Self.peerAHex)\nreplace_allowed_ips=true\n"
        for i in 0..<200_000 { request += "allowed_ip=10.\(i >> 16).\(i >> 8 & 255).\(i & 255)/32\n" }
        request += "\n"
        let bytes = Array(request.utf8)
        var decoder = UAPIRequestDecoder()
        var allowed = 0
        var last: UAPIRequestDecoder.Event?
        for start in stride(from: 0, to: bytes.count, by: 65536) {
            decoder.append(bytes[start..<min(start + 65536, bytes.count)])
            while let event = decoder.next() {
                if case .set(.allowedIP) = event { allowed += 1 }
                last = event
            }
        }
        #expect(allowed == 200_000)
        #expect(last == .setCompleted)
    }

    static func errno(_ event: UAPIRequestDecoder.Event) -> Int32? {
        if case .failed(let error) = event { return error.errno }
        return nil
    }
}
