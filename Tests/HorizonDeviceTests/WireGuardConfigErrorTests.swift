import HorizonDevice
import Testing

/// Each mistake is reported with file, line and what is wrong.
@Suite struct WireGuardConfigErrorTests {
    static let key = WireGuardConfigTests.peerA

    private func error(_ text: String) -> String? {
        do {
            _ = try WireGuardConfig.parse(text, fileName: "wg0.conf")
            return nil
        } catch {
            return error.description
        }
    }

    @Test func badPrefixLength() {
        #expect(error("""
            [Interface]
            ListenPort = 51820

            [Peer]
            PublicKey = \(Self.key)
            # the next line is wrong
            AllowedIPs = 10.0.0.0/33
            """) == "wg0.conf:7: AllowedIPs: '10.0.0.0/33' is not a valid prefix length")
    }

    @Test(arguments: [
        ("[Interface]\nFoo = 1", "wg0.conf:2: unknown key 'Foo' in [Interface]"),
        ("[Peer]\nPublicKey = \(key)\nListenPort = 1", "wg0.conf:3: unknown key 'ListenPort' in [Peer]"),
        ("ListenPort = 1", "wg0.conf:1: 'ListenPort' comes before any section (start with [Interface] or [Peer])"),
        ("[Interface]\n[Tunnel]", "wg0.conf:2: unknown section '[Tunnel]' (expected [Interface] or [Peer])"),
        ("[Interface\n", "wg0.conf:1: '[Interface' is missing its closing ']'"),
        ("[Interface]\nListenPort 51820", "wg0.conf:2: expected [Section] or Key = Value, found 'ListenPort …'"),
        ("[Interface]\nListenPort", "wg0.conf:2: expected [Section] or Key = Value, found 'ListenPort'"),
        ("[Interface]\n[Interface]", "wg0.conf:2: a second [Interface] section (the first is on line 1)"),
        ("[Interface]\nListenPort = 1\nListenPort = 2", "wg0.conf:3: ListenPort is given twice in this section (first on line 2)"),
        ("[Peer]\nAllowedIPs = 10.0.0.0/8\n\n[Peer]\nPublicKey = \(key)", "wg0.conf:1: [Peer] has no PublicKey"),
        ("[Peer]\nPublicKey = \(key)\n[Peer]\nPublicKey = \(key)", "wg0.conf:4: PublicKey: peer \(key) is already defined (line 2)"),
        ("[Interface]\nPrivateKey = c2VjcmV0", "wg0.conf:2: PrivateKey: not a valid key (expected 44 characters of base64, as `wg genkey` prints)"),
        ("[Interface]\nPrivateKey =", "wg0.conf:2: PrivateKey: missing value"),
        ("[Interface]\nPostUp =", "wg0.conf:2: PostUp: missing value"),
        ("[Interface]\nListenPort = 65536", "wg0.conf:2: ListenPort: '65536' is not a port number (0-65535)"),
        ("[Interface]\nListenPort = -1", "wg0.conf:2: ListenPort: '-1' is not a port number (0-65535)"),
        ("[Interface]\nFwMark = 0x1g", "wg0.conf:2: FwMark: '0x1g' is not a firewall mark (a 32-bit number, 0x-hex, or off)"),
        ("[Interface]\nFwMark = 0x100000000", "wg0.conf:2: FwMark: '0x100000000' is not a firewall mark (a 32-bit number, 0x-hex, or off)"),
        ("[Interface]\nAddress = 10.0.0.1/24,", "wg0.conf:2: Address: empty entry in the list '10.0.0.1/24,'"),
        ("[Interface]\nAddress = 10.0.0.300/24", "wg0.conf:2: Address: '10.0.0.300/24' is not an IP address or prefix"),
        ("[Interface]\nDNS = 10.0.0.1, not a domain", "wg0.conf:2: DNS: 'not a domain' is neither an IP address nor a search domain"),
        ("[Interface]\nMTU = 20", "wg0.conf:2: MTU: '20' is not an MTU (68-65535)"),
        ("[Interface]\nTable = a b", "wg0.conf:2: Table: 'a b' is not a routing table (off, auto, a number or a table name)"),
        ("[Interface]\nSaveConfig = yes", "wg0.conf:2: SaveConfig: 'yes' is neither true nor false"),
        ("[Peer]\nPublicKey = \(key)\nEndpoint = 192.0.2.1", "wg0.conf:3: Endpoint: '192.0.2.1' has no port (expected HOST:PORT or [IPv6]:PORT)"),
        ("[Peer]\nPublicKey = \(key)\nEndpoint = 2001:db8::1:51820", "wg0.conf:3: Endpoint: '2001:db8::1' is not a valid host"),
        ("[Peer]\nPublicKey = \(key)\nPersistentKeepalive = 70000", "wg0.conf:3: PersistentKeepalive: '70000' is not a keepalive interval (seconds 1-65535, or off)"),
        ("[Peer]\nPublicKey = \(key)\nAllowedIPs = 10.0.0.0/8\nAllowedIPs = fd00::/129", "wg0.conf:4: AllowedIPs: 'fd00::/129' is not a valid prefix length"),
    ])
    func reportsWhatAndWhere(text: String, expected: String) {
        #expect(error(text) == expected)
    }

    @Test(arguments: ["PrivateKey = ", "PrivateKey ", "PresharedKey = "])
    func keysAreNeverEchoed(line: String) throws {
        let secret = "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBm=="
        let message = try #require(error("[Peer]\n\(line)\(secret)"))
        #expect(!message.contains(secret))
    }

    @Test func lineNumbersCountCRLFLinesOnce() {
        #expect(error("[Interface]\r\n\r\nFoo = 1\r\n") == "wg0.conf:3: unknown key 'Foo' in [Interface]")
    }
}
