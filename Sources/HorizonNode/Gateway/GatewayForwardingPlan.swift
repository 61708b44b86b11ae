import HorizonCore

/// What a gateway server changes on its host so that its clients' traffic leaves through the
/// uplink: IP forwarding on, and everything that arrives from the tunnel and leaves by the
/// uplink rewritten to the uplink's address (masquerade), so upstream hosts answer the server
/// and never see a client's overlay address. Matching on the tunnel interface rather than on
/// overlay prefixes means the server needs no knowledge of the broker's address plan, and
/// nothing a client sends from another source can leave unrewritten. The rules live in an
/// nftables table of Horizon's own, named after the tunnel interface, which teardown deletes
/// whole.
public struct GatewayForwardingPlan: Equatable, Sendable {
    public let tableName: String
    public let changes: [NetworkChange]

    /// - Parameters:
    ///   - tunnel: the WireGuard interface clients arrive on.
    ///   - uplink: the interface their traffic leaves by.
    public init(tunnel: InterfaceName, uplink: InterfaceName) {
        tableName = Self.tableName(for: tunnel)
        changes = [
            .sysctl("net/ipv4/ip_forward", value: "1"),
            .sysctl("net/ipv6/conf/all/forwarding", value: "1"),
            .firewallTable(name: tableName, chains: Self.chains(tunnel: tunnel, uplink: uplink)),
        ]
    }

    /// `horizon_gw_<interface>`, with the characters nft does not take in a name replaced.
    static func tableName(for tunnel: InterfaceName) -> String {
        let safe = tunnel.description.map { $0.isLetter || $0.isNumber || $0 == "_" ? $0 : "_" }
        return "horizon_gw_" + String(safe)
    }

    /// Masquerade from the tunnel out of the uplink (both families: the table is `inet`), and
    /// clamp the TCP MSS of connections through the tunnel to the route's MTU: upstream hosts
    /// do not know the tunnel's MTU is below their link's.
    private static func chains(tunnel: InterfaceName, uplink: InterfaceName) -> String {
        let clamp = "tcp flags syn / syn,rst tcp option maxseg size set rt mtu"
        return """
              chain postrouting {
                type nat hook postrouting priority srcnat; policy accept;
                iifname "\(tunnel)" oifname "\(uplink)" masquerade
              }
              chain forward {
                type filter hook forward priority mangle; policy accept;
                iifname "\(tunnel)" \(clamp)
                oifname "\(tunnel)" \(clamp)
              }
            """
    }
}
