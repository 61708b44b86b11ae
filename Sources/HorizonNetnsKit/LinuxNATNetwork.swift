import Foundation

/// Two clients, each behind a Linux router of its own, and a public namespace between the
/// routers holding 203.0.113.1 (where coturn runs). Every address lives in namespaces made
/// here (named `<prefix>-…`); `remove()` (or deinit) deletes them all. Shared by the NAT
/// traversal tests and the `HorizonNATBench` benchmark.
///
///     client a 10.0.1.2 ─ 10.0.1.1 router a 100.64.1.2 ─ 100.64.1.1 public 100.64.2.1 ─ 100.64.2.2 router b 10.0.2.1 ─ 10.0.2.2 client b
///
/// A router with a NAT masquerades what leaves toward the public side (`--random-fully` for
/// a symmetric one) and drops unsolicited packets to itself; without, the public namespace
/// routes to its client's subnet directly.
public final class LinuxNATNetwork: @unchecked Sendable {
    public enum NAT: String, Sendable, CaseIterable, CustomStringConvertible {
        case none
        case masquerade
        case randomFully

        public var description: String { rawValue }
    }

    public static let publicAddress = "203.0.113.1"
    public let clients: [NetworkNamespace]
    public let routers: [NetworkNamespace]
    public let publicSide: NetworkNamespace

    /// Client n (from 1) is 10.0.n.2 behind router n (100.64.n.2 outside).
    public init(_ nats: [NAT], prefix: String = "hznat") throws {
        publicSide = try NetworkNamespace(prefix: prefix)
        routers = try nats.map { _ in try NetworkNamespace(prefix: prefix) }
        clients = try nats.map { _ in try NetworkNamespace(prefix: prefix) }
        try publicSide.ip("addr", "add", "\(Self.publicAddress)/32", "dev", "lo")
        // The rest of the internet: where datagrams to private addresses vanish. Without a
        // route, coturn's send to a peer's host candidate fails and it drops the allocation.
        // (A veth whose other end stays down: sends succeed, nothing arrives.)
        try publicSide.ip("link", "add", "hznat-world", "type", "veth", "peer", "name", "hznat-void")
        try publicSide.ip("link", "set", "hznat-world", "up")
        try publicSide.ip("route", "add", "default", "dev", "hznat-world")
        try Self.forward(publicSide)
        for (i, nat) in nats.enumerated() {
            let n = i + 1
            try Self.link(publicSide, "hznat-p\(n)", "100.64.\(n).1/24", routers[i], "hznat-u\(n)", "100.64.\(n).2/24")
            try Self.link(routers[i], "hznat-l\(n)", "10.0.\(n).1/24", clients[i], "hznat-c\(n)", "10.0.\(n).2/24")
            try routers[i].ip("route", "add", "default", "via", "100.64.\(n).1")
            try clients[i].ip("route", "add", "default", "via", "10.0.\(n).1")
            try Self.forward(routers[i])
            switch nat {
            case .none:
                try publicSide.ip("route", "add", "10.0.\(n).0/24", "via", "100.64.\(n).2")
            case .masquerade, .randomFully:
                try Self.iptables(routers[i], ["-t", "nat", "-A", "POSTROUTING", "-o", "hznat-u\(n)", "-j", "MASQUERADE"]
                                  + (nat == .randomFully ? ["--random-fully"] : []))
                // What home routers do, and what keeps the NAT endpoint-independent: an
                // unsolicited packet to the router's own address would otherwise leave an
                // unreplied conntrack entry that makes MASQUERADE move the client's next
                // mapping toward that sender to another port (dropped here, it is never confirmed).
                try Self.iptables(routers[i], ["-A", "INPUT", "-i", "hznat-u\(n)", "-m", "conntrack", "--ctstate", "NEW", "-j", "DROP"])
            }
        }
    }

    deinit { remove() }

    public func remove() {
        for ns in clients + routers + [publicSide] { ns.remove() }
    }

    private static func link(_ a: NetworkNamespace, _ nameA: String, _ addressA: String,
                             _ b: NetworkNamespace, _ nameB: String, _ addressB: String) throws {
        try Command.run(["ip", "link", "add", nameA, "netns", a.name, "type", "veth", "peer", "name", nameB, "netns", b.name])
        try a.ip("addr", "add", addressA, "dev", nameA)
        try b.ip("addr", "add", addressB, "dev", nameB)
        try a.ip("link", "set", nameA, "up")
        try b.ip("link", "set", nameB, "up")
    }

    private static func iptables(_ ns: NetworkNamespace, _ arguments: [String]) throws {
        try Command.run(["ip", "netns", "exec", ns.name, "iptables"] + arguments)
    }

    private static func forward(_ ns: NetworkNamespace) throws {
        try Command.run(["ip", "netns", "exec", ns.name, "sysctl", "-qw", "net.ipv4.ip_forward=1"])
    }
}
