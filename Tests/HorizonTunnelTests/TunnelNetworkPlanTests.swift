import HorizonCore
import HorizonDevice
import HorizonNode
import Testing

@Suite struct TunnelNetworkPlanTests {
    static let peerA = "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg="
    static let peerB = "TrMvSoP4jYQlY6RIzBgbssQqY3vxI2Pi+y71lOWWXX0="

    private func config(_ interface: String, peers: [String]) throws -> WireGuardConfig {
        let peerSections = zip([Self.peerA, Self.peerB], peers).map { key, allowed in
            "[Peer]\nPublicKey = \(key)\nAllowedIPs = \(allowed)\n"
        }
        return try WireGuardConfig.parse("[Interface]\n\(interface)\n" + peerSections.joined(), fileName: "t.conf")
    }

    private func commands(_ plan: TunnelNetworkPlan) -> [String] {
        plan.changes.map { change in
            if case .sysctl(let key, let value) = change { return "sysctl \(key)=\(value)" }
            return change.ipCommands!.apply.joined(separator: " ")
        }
    }

    @Test func addressesThenLinkThenRoutesLongestFirstSkippingConnectedSubnets() throws {
        let config = try config("Address = 10.0.0.1/24, fd00::1/64", peers: [
            "10.0.0.2/32, 192.168.7.0/24, fd00::2/128", "10.9.0.0/16, 192.168.7.9/24, fd01::/48",
        ])
        let plan = TunnelNetworkPlan(config: config, interface: "wg0", mtu: 1420, policyTable: nil)
        #expect(commands(plan) == [
            "-4 address add 10.0.0.1/24 dev wg0",
            "-6 address add fd00::1/64 dev wg0",
            "link set dev wg0 mtu 1420 up",
            "-6 route add fd01::/48 dev wg0",          // by prefix length, whatever the family
            "-4 route add 192.168.7.0/24 dev wg0",   // 192.168.7.9/24 masks to the same route: once
            "-4 route add 10.9.0.0/16 dev wg0",
        ])
        #expect(!TunnelNetworkPlan.needsPolicyTable(config))
    }

    @Test func hostAddressesHaveNoConnectedRouteSoTheirPeersAreRouted() throws {
        let config = try config("Address = 10.0.0.1/32", peers: ["10.0.0.1/32"])
        let plan = TunnelNetworkPlan(config: config, interface: "wg0", mtu: 1420, policyTable: nil)
        #expect(commands(plan).last == "-4 route add 10.0.0.1/32 dev wg0")
    }

    @Test func defaultRoutesUsePolicyRoutingWithTheFwmarkTable() throws {
        let config = try config("Address = 10.0.0.1/24", peers: ["0.0.0.0/0, ::/0, 10.1.0.0/16"])
        #expect(TunnelNetworkPlan.needsPolicyTable(config))
        let plan = TunnelNetworkPlan(config: config, interface: "wg0", mtu: 1280, policyTable: 51821)
        #expect(commands(plan) == [
            "-4 address add 10.0.0.1/24 dev wg0",
            "link set dev wg0 mtu 1280 up",
            "-4 route add 10.1.0.0/16 dev wg0",
            "-4 route add 0.0.0.0/0 dev wg0 table 51821",
            "-4 rule add not fwmark 51821 table 51821",
            "-4 rule add table main suppress_prefixlength 0",
            "sysctl net/ipv4/conf/all/src_valid_mark=1",
            "-6 route add ::/0 dev wg0 table 51821",
            "-6 rule add not fwmark 51821 table 51821",
            "-6 rule add table main suppress_prefixlength 0",
        ])
    }

    @Test func anExplicitTableTakesEveryRouteIncludingDefaultsWithoutRules() throws {
        let config = try config("Table = 1234", peers: ["0.0.0.0/0, 10.1.0.0/16"])
        #expect(!TunnelNetworkPlan.needsPolicyTable(config))
        let plan = TunnelNetworkPlan(config: config, interface: "wg0", mtu: 1420, policyTable: nil)
        #expect(commands(plan) == [
            "link set dev wg0 mtu 1420 up",
            "-4 route add 10.1.0.0/16 dev wg0 table 1234",
            "-4 route add 0.0.0.0/0 dev wg0 table 1234",
        ])
    }

    @Test func tableOffAddsNoRoutes() throws {
        let config = try config("Table = off\nAddress = 10.0.0.1/24", peers: ["0.0.0.0/0, 10.1.0.0/16"])
        #expect(!TunnelNetworkPlan.needsPolicyTable(config))
        let plan = TunnelNetworkPlan(config: config, interface: "wg0", mtu: 1420, policyTable: nil)
        #expect(commands(plan) == ["-4 address add 10.0.0.1/24 dev wg0", "link set dev wg0 mtu 1420 up"])
    }

    @Test func everyIPChangeIsUndoneByItsDeleteTwin() {
        let prefix = IPPrefix("fd00::/64")!
        let changes: [NetworkChange] = [
            .address(prefix, interface: "wg0"), .route(prefix, interface: "wg0", table: "7"),
            .rule(.v6, ["table", "main", "suppress_prefixlength", "0"]),
        ]
        for change in changes {
            let (apply, undo) = change.ipCommands!
            #expect(undo == apply.map { $0 == "add" ? "del" : $0 })
        }
        #expect(NetworkChange.linkUp(interface: "wg0", mtu: 1420).ipCommands!.undo == nil, "the link goes with the device")
    }
}
