import HorizonCore
import HorizonDevice

/// The host changes a configuration asks for, in wg-quick's order: addresses, MTU and link
/// up, then one route per allowed IP (longest prefixes first).
///
/// A default route (0.0.0.0/0 or ::/0) in the main table would also capture the tunnel's
/// own encrypted packets, so it is done the way wg-quick does it: the device marks its UDP
/// packets with `policyTable` as fwmark, the default route goes into table `policyTable`,
/// and two rules send every unmarked packet there while keeping the main table's more
/// specific routes (`suppress_prefixlength 0`). IPv4 also needs `src_valid_mark` so replies
/// to marked packets pass the reverse-path check.
public struct TunnelNetworkPlan: Equatable, Sendable {
    public let changes: [NetworkChange]

    /// - Parameter policyTable: the table (and fwmark) for default routes; required when
    ///   `needsPolicyTable(config)` is true, ignored otherwise.
    public init(config: WireGuardConfig, interface: String, mtu: Int, policyTable: UInt32?) {
        var changes = config.interface.addresses.map { NetworkChange.address($0, interface: interface) }
        changes.append(.linkUp(interface: interface, mtu: mtu))
        for prefix in Self.routedPrefixes(config) {
            changes += Self.routeChanges(for: prefix, config: config, interface: interface, policyTable: policyTable)
        }
        self.changes = changes
    }

    /// True when the configuration routes a default route through the main table, which
    /// needs the fwmark and a table of its own.
    public static func needsPolicyTable(_ config: WireGuardConfig) -> Bool {
        isAuto(config.interface.table) && routedPrefixes(config).contains { $0.length == 0 }
    }

    /// Every peer's allowed IPs, masked, once each, longest prefix first.
    static func routedPrefixes(_ config: WireGuardConfig) -> [IPPrefix] {
        var seen = Set<IPPrefix>()
        let prefixes = config.peers.flatMap(\.allowedIPs).map(\.masked).filter { seen.insert($0).inserted }
        return prefixes.enumerated()
            .sorted { ($0.element.length, $1.offset) > ($1.element.length, $0.offset) }
            .map(\.element)
    }

    private static func routeChanges(for prefix: IPPrefix, config: WireGuardConfig, interface: String,
                                     policyTable: UInt32?) -> [NetworkChange] {
        switch config.interface.table {
        case .off?:
            return []
        case .id(let id)?:
            return [.route(prefix, interface: interface, table: String(id))]
        case .name(let name)?:
            return [.route(prefix, interface: interface, table: name)]
        case .auto?, nil:
            if prefix.length == 0, let table = policyTable {
                return defaultRouteChanges(prefix, interface: interface, table: String(table))
            }
            let connected = config.interface.addresses.contains { isConnectedRoute($0, covering: prefix) }
            return connected ? [] : [.route(prefix, interface: interface, table: nil)]
        }
    }

    static func defaultRouteChanges(_ prefix: IPPrefix, interface: String, table: String) -> [NetworkChange] {
        let family = NetworkChange.IPFamily(prefix)
        var changes: [NetworkChange] = [
            .route(prefix, interface: interface, table: table),
            .rule(family, ["not", "fwmark", table, "table", table]),
            .rule(family, ["table", "main", "suppress_prefixlength", "0"]),
        ]
        if family == .v4 { changes.append(.sysctl("net/ipv4/conf/all/src_valid_mark", value: "1")) }
        return changes
    }

    /// The kernel already routes an address's subnet to the interface; adding the same
    /// route again would fail ("File exists"), as wg-quick avoids too.
    private static func isConnectedRoute(_ address: IPPrefix, covering prefix: IPPrefix) -> Bool {
        address.length < address.address.maxPrefixLength && address.length <= prefix.length
            && address.contains(prefix.address)
    }

    private static func isAuto(_ table: WireGuardConfig.RoutingTable?) -> Bool {
        switch table {
        case .auto?, nil: true
        default: false
        }
    }
}
