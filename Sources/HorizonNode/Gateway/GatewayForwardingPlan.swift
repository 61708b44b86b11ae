import HorizonCore

/// What a gateway server changes on its host so that its clients' traffic leaves through the
/// uplink: IP forwarding on, and the overlay's source addresses rewritten to the uplink's
/// (masquerade), so upstream hosts answer the server and never see a client's overlay
/// address. The rules live in an nftables table of Horizon's own, named after the tunnel
/// interface, which teardown deletes whole.
public struct GatewayForwardingPlan: Equatable, Sendable {
    public let tableName: String
    public let changes: [NetworkChange]

    /// - Parameters:
    ///   - overlay: the client address ranges to masquerade (the network's IPv4 and IPv6 prefixes).
    ///   - tunnel: the WireGuard interface clients arrive on.
    ///   - uplink: the interface their traffic leaves by.
    public init(overlay: [IPPrefix], tunnel: InterfaceName, uplink: InterfaceName) {
        tableName = Self.tableName(for: tunnel)
        let masked = overlay.map(\.masked)
        let v4 = masked.filter { $0.address.isIPv4 }
        let v6 = masked.filter { !$0.address.isIPv4 }
        var changes: [NetworkChange] = []
        if !v4.isEmpty { changes.append(.sysctl("net/ipv4/ip_forward", value: "1")) }
        if !v6.isEmpty { changes.append(.sysctl("net/ipv6/conf/all/forwarding", value: "1")) }
        changes.append(.firewallTable(name: tableName, chains: Self.chains(v4: v4, v6: v6, tunnel: tunnel, uplink: uplink)))
        self.changes = changes
    }

    /// `horizon_gw_<interface>`, with the characters nft does not take in a name replaced.
    static func tableName(for tunnel: InterfaceName) -> String {
        let safe = tunnel.description.map { $0.isLetter || $0.isNumber || $0 == "_" ? $0 : "_" }
        return "horizon_gw_" + String(safe)
    }

    /// Masquerade out of the uplink, and clamp the TCP MSS of connections through the tunnel
    /// to the route's MTU: upstream hosts do not know the tunnel's MTU is below their link's.
    private static func chains(v4: [IPPrefix], v6: [IPPrefix], tunnel: InterfaceName, uplink: InterfaceName) -> String {
        let out = "oifname \"\(uplink)\""
        let masquerade = v4.map { "\(out) ip saddr \($0) masquerade" } + v6.map { "\(out) ip6 saddr \($0) masquerade" }
        let clamp = "tcp flags syn / syn,rst tcp option maxseg size set rt mtu"
        return """
              chain postrouting {
                type nat hook postrouting priority srcnat; policy accept;
            \(masquerade.map { "    " + $0 }.joined(separator: "\n"))
              }
              chain forward {
                type filter hook forward priority mangle; policy accept;
                iifname "\(tunnel)" \(clamp)
                oifname "\(tunnel)" \(clamp)
              }
            """
    }
}
