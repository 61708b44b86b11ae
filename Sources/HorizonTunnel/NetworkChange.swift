import HorizonCore

/// One change `horizon tunnel` makes to the host's network configuration. Each has an
/// exact inverse, so teardown removes precisely what was added and nothing else.
public enum NetworkChange: Equatable, Sendable {
    /// The interface gets an address (and, from the kernel, its connected route).
    case address(IPPrefix, interface: String)
    case linkUp(interface: String, mtu: Int)
    /// A route for a peer's allowed IPs; `table` (an id or a name) nil is the main table.
    case route(IPPrefix, interface: String, table: String?)
    /// A policy-routing rule, given as the selector and action words `ip rule` takes.
    case rule(IPFamily, [String])
    /// A kernel setting under /proc/sys; undone by writing back the value found there.
    case sysctl(String, value: String)
    /// An nftables table of Horizon's own (`inet` family), given as the chains inside it;
    /// undone by deleting the whole table, so no rule of anyone else's is touched.
    case firewallTable(name: String, chains: String)

    /// Addresses and routes vanish with the interface; rules and sysctls outlive it.
    public var vanishesWithLink: Bool {
        switch self {
        case .address, .linkUp, .route: true
        case .rule, .sysctl, .firewallTable: false
        }
    }

    public enum IPFamily: Equatable, Sendable {
        case v4, v6

        init(_ prefix: IPPrefix) { self = prefix.address.isIPv4 ? .v4 : .v6 }

        var flag: String { self == .v4 ? "-4" : "-6" }
    }

    /// The `ip` arguments that make the change and those that undo it; nil for sysctls and
    /// firewall tables.
    /// Bringing the link up has no undo: the link goes away with the device, and setting it
    /// down first would flush its IPv6 addresses before their own undo runs.
    public var ipCommands: (apply: [String], undo: [String]?)? {
        switch self {
        case .address(let prefix, let interface):
            let tail = [prefix.description, "dev", interface]
            let family = IPFamily(prefix).flag
            return ([family, "address", "add"] + tail, [family, "address", "del"] + tail)
        case .linkUp(let interface, let mtu):
            return (["link", "set", "dev", interface, "mtu", String(mtu), "up"], nil)
        case .route(let prefix, let interface, let table):
            let tail = [prefix.description, "dev", interface] + (table.map { ["table", $0] } ?? [])
            let family = IPFamily(prefix).flag
            return ([family, "route", "add"] + tail, [family, "route", "del"] + tail)
        case .rule(let family, let words):
            return ([family.flag, "rule", "add"] + words, [family.flag, "rule", "del"] + words)
        case .sysctl, .firewallTable:
            return nil
        }
    }

    /// The `nft -f -` script that creates a firewall table. It first creates and deletes the
    /// table, so a table left behind by a crashed run is replaced, never doubled, and all of it
    /// happens in one nftables transaction.
    public static func firewallScript(table name: String, chains: String) -> String {
        "add table inet \(name)\ndelete table inet \(name)\ntable inet \(name) {\n\(chains)\n}\n"
    }
}
