import HorizonCore
import HorizonDevice
import HorizonLAN
import Testing

/// [LAN] sections in `horizon tunnel` files.
@Suite struct LANConfigTests {
    static let privateKey = "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk="
    static let peerA = "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg="
    static let peerB = "TrMvSoP4jYQlY6RIzBgbssQqY3vxI2Pi+y71lOWWXX0="
    static let peers = """

        [Peer]
        PublicKey = \(peerA)
        AllowedIPs = 10.0.0.1/32

        [Peer]
        PublicKey = \(peerB)
        """

    func parse(_ text: String, dialect: WireGuardConfig.Dialect = .horizon) throws -> WireGuardConfig {
        try WireGuardConfig.parse(text, fileName: "hz0.conf", dialect: dialect)
    }

    func error(_ text: String, dialect: WireGuardConfig.Dialect = .horizon) -> String? {
        do {
            _ = try parse(text, dialect: dialect)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func readsSeveralNetworksBesideTheInterfaceAndPeers() throws {
        let config = try parse("""
            [Interface]
            PrivateKey = \(Self.privateKey)

            [LAN]
            Name = games
            Tag = 7
            Address = 10.60.0.1/24, fd60::1/64
            MAC = 02:00:00:00:00:01
            MTU = 1400
            Members = \(Self.peerA), \(Self.peerB)

            [lan]
            name = office
            Interface = hzoffice
            Tag = 16777215
            Members = \(Self.peerB)
            """ + Self.peers)
        #expect(config.peers.count == 2)
        #expect(config.lans.count == 2)
        let games = config.lans[0], office = config.lans[1]
        #expect(games.name == "games" && games.tapName == "games" && games.tag == LANNetworkTag(7))
        #expect(games.addresses.map(\.description) == ["10.60.0.1/24", "fd60::1/64"])
        #expect(games.mac == MACAddress((2, 0, 0, 0, 0, 1)) && games.mtu == 1400)
        #expect(games.members == [PublicKey(base64: Self.peerA)!, PublicKey(base64: Self.peerB)!])
        #expect(office.tapName == "hzoffice" && office.tag == LANNetworkTag(0xFF_FFFF) && office.mac == nil)
    }

    @Test func stockWireGuardDialectRefusesLANByName() {
        #expect(error("[Interface]\n[LAN]\nName = x", dialect: .wireGuard)
            == "hz0.conf:2: [LAN] is a Horizon section: only horizon tunnel reads it, wg and wg-quick do not")
        #expect(error("[Interface]\n[Tunnel]") == "hz0.conf:2: unknown section '[Tunnel]' (expected [Interface], [Peer] or [LAN])")
    }

    @Test(arguments: [
        ("[LAN]\nTag = 1", "hz0.conf:1: [LAN] has no Name"),
        ("[LAN]\nName = a", "hz0.conf:1: [LAN] has no Tag"),
        ("[LAN]\nName = a\nTag = 16777216", "hz0.conf:3: Tag: '16777216' is not a network tag (0-16777215)"),
        ("[LAN]\nName = a\nTag = 1\nTag = 2", "hz0.conf:4: Tag is given twice in this section (first on line 3)"),
        ("[LAN]\nName = a b\nTag = 1", "hz0.conf:2: Name: 'a b' is not an interface name (1-15 characters, no '/', ':' or spaces)"),
        ("[LAN]\nName = a\nTag = 1\nMAC = 01:00:5e:00:00:01", "hz0.conf:4: MAC: 01:00:5e:00:00:01 is a group address; an interface needs a unicast one"),
        ("[LAN]\nName = a\nTag = 1\nMAC = 02:00", "hz0.conf:4: MAC: '02:00' is not a MAC address (aa:bb:cc:dd:ee:ff)"),
        ("[LAN]\nName = a\nTag = 1\nMembers = c2VjcmV0", "hz0.conf:4: Members: entry 1 is not a valid key (expected 44 characters of base64, as `wg pubkey` prints)"),
        ("[LAN]\nName = a\nTag = 1\nColour = blue", "hz0.conf:4: unknown key 'Colour' in [LAN]"),
        ("[LAN]\nName = a\nTag = 1\n[LAN]\nName = b\nTag = 1", "hz0.conf:4: [LAN] b: Tag 1 is already used by the [LAN] on line 1"),
        ("[LAN]\nName = a\nTag = 1\n[LAN]\nName = a\nTag = 2", "hz0.conf:4: [LAN] a: interface a is already used by the [LAN] on line 1"),
        ("[LAN]\nName = a\nTag = 1\nMembers = \(peerB)", "hz0.conf:4: Members: \(peerB) is not a [Peer] of this file"),
        ("[LAN]\nName = a\nTag = 1\nMembers = \(peerA)\nMembers = \(peerA)\n" + peers,
         "hz0.conf:5: Members: \(peerA) is listed twice in this [LAN] (first on line 4)"),
    ])
    func reportsWhatAndWhere(text: String, expected: String) {
        #expect(error(text) == expected)
    }

    @Test func theTAPMTUFitsFullFramesIntoTheTunnelMTU() {
        #expect(LANNetworkOptions.mtu(forTunnelMTU: 1420) == 1402)
        // A full frame (MTU + 14) behind the 4-byte header fills the tunnel MTU exactly, unpadded.
        #expect(HorizonFrameHeader.padding(frameLength: 1402 + 14, limit: 1420) == 0)
    }
}
