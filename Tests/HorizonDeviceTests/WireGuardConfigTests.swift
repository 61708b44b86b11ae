import HorizonCore
import HorizonDevice
import Testing

@Suite struct WireGuardConfigTests {
    static let privateKey = "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk="
    static let peerA = "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg="
    static let peerB = "TrMvSoP4jYQlY6RIzBgbssQqY3vxI2Pi+y71lOWWXX0="
    static let psk = "FpCyhws9cxwWoV4xELtfJvjJN+zQVRPISllRWgeopVE="

    private func parse(_ text: String) throws -> WireGuardConfig {
        try WireGuardConfig.parse(text, fileName: "wg0.conf")
    }

    @Test func readsAFullWgQuickFile() throws {
        let config = try parse("""
            # Office gateway
            [Interface]
            PrivateKey = \(Self.privateKey)
            ListenPort = 51820
            FwMark = 0x1234
            Address = 10.0.0.2/24, fd00::2/64
            Address = 10.0.1.2
            DNS = 10.0.0.1, 2001:db8::53, corp.example.com
            MTU = 1420
            Table = off
            PreUp = echo starting %i
            PostUp = iptables -A FORWARD -i %i -j ACCEPT; iptables -t nat -A POSTROUTING -o eth0 -j MASQUERADE
            PostUp = ip rule add fwmark 0x1234 table main
            PreDown = true
            PostDown = iptables -D FORWARD -i %i -j ACCEPT
            SaveConfig = true

            [Peer]
            PublicKey = \(Self.peerA)
            PresharedKey = \(Self.psk)
            AllowedIPs = 10.192.122.3/32, 10.192.124.0/24
            AllowedIPs = fd00:1::/48
            Endpoint = [2001:db8::1]:51820
            PersistentKeepalive = 25

            [Peer]
            PublicKey = \(Self.peerB)
            AllowedIPs = 0.0.0.0/0, ::/0
            Endpoint = vpn.example.com:51820
            """)
        let interface = config.interface
        #expect(interface.privateKey == PrivateKey(base64: Self.privateKey))
        #expect(interface.listenPort == 51820)
        #expect(interface.fwMark == 0x1234)
        #expect(interface.addresses == ["10.0.0.2/24", "fd00::2/64", "10.0.1.2/32"].map { IPPrefix($0)! })
        #expect(interface.dns == [.server(IPAddress("10.0.0.1")!), .server(IPAddress("2001:db8::53")!),
                                  .searchDomain("corp.example.com")])
        #expect(interface.mtu == 1420)
        #expect(interface.table == .off)
        #expect(interface.preUp == ["echo starting %i"])
        #expect(interface.postUp == ["iptables -A FORWARD -i %i -j ACCEPT; iptables -t nat -A POSTROUTING -o eth0 -j MASQUERADE",
                                     "ip rule add fwmark 0x1234 table main"])
        #expect(interface.preDown == ["true"])
        #expect(interface.postDown == ["iptables -D FORWARD -i %i -j ACCEPT"])
        #expect(interface.saveConfig)

        #expect(config.peers.count == 2)
        let a = config.peers[0]
        #expect(a.publicKey == PublicKey(base64: Self.peerA))
        #expect(a.presharedKey == PresharedKey(base64: Self.psk))
        #expect(a.allowedIPs == ["10.192.122.3/32", "10.192.124.0/24", "fd00:1::/48"].map { IPPrefix($0)! })
        #expect(a.endpoint == Endpoint(address: IPAddress("2001:db8::1")!, port: 51820))
        #expect(a.persistentKeepalive == 25)
        let b = config.peers[1]
        #expect(b.presharedKey == nil)
        #expect(b.endpoint == Endpoint(host: .name("vpn.example.com"), port: 51820))
        #expect(b.persistentKeepalive == nil)
        #expect(b.allowedIPs.map(\.description) == ["0.0.0.0/0", "::/0"])
    }

    @Test func keysAndSectionsIgnoreCaseAndSpacing() throws {
        let config = try parse("[interface]\r\n\tprivatekey=\(Self.privateKey)   # trailing comment\r\n"
            + "LISTENPORT =51820\n\n  [ PEER ]  \npublickey   =   \(Self.peerA)\nallowedips=10.0.0.0/8 ,  10.1.0.0/16\n")
        #expect(config.interface.privateKey == PrivateKey(base64: Self.privateKey))
        #expect(config.interface.listenPort == 51820)
        #expect(config.peers.map(\.allowedIPs) == [[IPPrefix("10.0.0.0/8")!, IPPrefix("10.1.0.0/16")!]])
    }

    @Test func offAndZeroMeanOff() throws {
        let config = try parse("""
            [Interface]
            FwMark = off
            [Peer]
            PublicKey = \(Self.peerA)
            PersistentKeepalive = off
            [Peer]
            PublicKey = \(Self.peerB)
            PersistentKeepalive = 0
            """)
        #expect(config.interface.fwMark == nil)
        #expect(config.peers.map(\.persistentKeepalive) == [nil, nil])
        #expect(try parse("[Interface]\nFwMark = 0\n").interface.fwMark == nil)
        #expect(try parse("[Interface]\nFwMark = 4660\n").interface.fwMark == 0x1234)
    }

    @Test func emptyListsAreAllowed() throws {
        let config = try parse("[Interface]\nAddress =\n[Peer]\nPublicKey = \(Self.peerA)\nAllowedIPs =\n")
        #expect(config.interface.addresses.isEmpty)
        #expect(config.peers[0].allowedIPs.isEmpty)
    }

    @Test func tableForms() throws {
        #expect(try parse("[Interface]\nTable = auto").interface.table == .auto)
        #expect(try parse("[Interface]\nTable = 1234").interface.table == .id(1234))
        #expect(try parse("[Interface]\nTable = main").interface.table == .name("main"))
    }

    @Test func emptyFileAndPeerOnlyFilesParse() throws {
        #expect(try parse("") == WireGuardConfig())
        #expect(try parse("# nothing\n\n").peers.isEmpty)
        #expect(try parse("[Peer]\nPublicKey = \(Self.peerA)").peers.count == 1)
    }
}
