import Foundation
import HorizonCore
import HorizonNetnsKit
@testable import HorizonNode
import Testing

/// A gateway in a namespace between a "client" and an "upstream" namespace: with the plan
/// applied, the client reaches the upstream host, which sees the gateway's address; after
/// undo the namespace is as before and the path is closed again.
@Suite(.enabled(if: NetworkNamespace.isAvailable, "needs root"))
struct GatewayForwardingTests {
    @Test func masqueradesTheTunnelOutOfTheUplinkAndUndoesExactly() throws {
        let client = try NetworkNamespace(prefix: "hzgw")
        let gateway = try NetworkNamespace(prefix: "hzgw")
        let upstream = try NetworkNamespace(prefix: "hzgw")
        defer { [client, gateway, upstream].forEach { $0.remove() } }
        try Command.run(["ip", "link", "add", "c0", "netns", client.name, "type", "veth", "peer", "name", "g0", "netns", gateway.name])
        try Command.run(["ip", "link", "add", "u0", "netns", upstream.name, "type", "veth", "peer", "name", "gu", "netns", gateway.name])
        try client.ip("address", "add", "10.99.0.2/24", "dev", "c0")
        try client.ip("link", "set", "c0", "up")
        try client.ip("route", "add", "default", "via", "10.99.0.1")
        try gateway.ip("address", "add", "10.99.0.1/24", "dev", "g0")
        try gateway.ip("address", "add", "192.168.77.1/24", "dev", "gu")
        try gateway.ip("link", "set", "g0", "up")
        try gateway.ip("link", "set", "gu", "up")
        // The upstream host has no route back to the overlay: only masquerade lets it answer.
        try upstream.ip("address", "add", "192.168.77.2/24", "dev", "u0")
        try upstream.ip("link", "set", "u0", "up")
        let before = try firewallAndForwarding(of: gateway)

        let plan = GatewayForwardingPlan(tunnel: try InterfaceName("g0"), uplink: try InterfaceName("gu"))
        #expect(plan.tableName == "horizon_gw_g0")
        // The journal lives on the gateway namespace's thread: apply, look, use, undo.
        let (during, seenUpstream, failures) = try gateway.run {
            let journal = NetworkJournal()
            for change in plan.changes { try journal.apply(change) }
            // Applying again (a restarted agent) replaces the table instead of doubling its rules.
            try NetworkJournal().apply(plan.changes.last!)
            let during = try firewallAndForwarding(of: gateway)
            let seen = Result { try peerAddressSeenUpstream(client: client, upstream: upstream) }
            return (during, seen, journal.undoAll())
        }
        #expect(during.contains("table inet horizon_gw_g0"))
        #expect(during.components(separatedBy: "masquerade").count == 2, "\(during)")
        #expect(during.contains("ip_forward=1"))
        #expect(try seenUpstream.get() == "192.168.77.1")
        #expect(failures.isEmpty, "\(failures)")
        #expect(try firewallAndForwarding(of: gateway) == before)
        #expect(throws: (any Error).self) { _ = try peerAddressSeenUpstream(client: client, upstream: upstream, timeoutMilliseconds: 500) }
    }

    @Test func findsTheUplinkFromTheDefaultRoute() throws {
        let json = #"[{"dst":"default","gateway":"192.0.2.1","dev":"eth7","protocol":"static","flags":[]}]"#
        #expect(UplinkInterface.defaultRouteDevice(inJSON: json) == "eth7")
        #expect(UplinkInterface.defaultRouteDevice(inJSON: "[]") == nil)
        #expect(UplinkInterface.defaultRouteDevice(inJSON: "not json") == nil)

        let host = try NetworkNamespace(prefix: "hzgw")
        defer { host.remove() }
        let message = try host.run { () -> String? in
            do { _ = try UplinkInterface.detect(); return nil } catch { return "\(error)" }
        }
        #expect(message?.contains("--uplink") == true)
        try host.ip("link", "add", "up0", "type", "veth", "peer", "name", "up1")
        try host.ip("link", "set", "up0", "up")
        try host.ip("address", "add", "198.51.100.2/24", "dev", "up0")
        try host.ip("route", "add", "default", "via", "198.51.100.1")
        #expect(try host.run { try UplinkInterface.detect().description } == "up0")
    }

    /// Connects from `client` to a listener in `upstream` and returns the address the
    /// listener saw the connection come from.
    private func peerAddressSeenUpstream(
        client: NetworkNamespace, upstream: NetworkNamespace, timeoutMilliseconds: Int = 5000
    ) throws -> String {
        let listener = try upstream.run { () -> Int32 in
            let fd = try BlockingTCP.socket(timeoutMilliseconds: timeoutMilliseconds)
            try BlockingTCP.listen(fd, ip: "192.168.77.2", port: 8099)
            return fd
        }
        defer { close(listener) }
        let connection = try client.run { () -> Int32 in
            let fd = try BlockingTCP.socket(timeoutMilliseconds: timeoutMilliseconds)
            do { try BlockingTCP.connect(fd, ip: "192.168.77.2", port: 8099) } catch { close(fd); throw error }
            return fd
        }
        defer { close(connection) }
        let accepted = try BlockingTCP.accept(listener, timeoutMilliseconds: Int32(timeoutMilliseconds))
        defer { close(accepted) }
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(accepted, $0, &length) }
        }
        var text = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
        inet_ntop(AF_INET, &address.sin_addr, &text, socklen_t(text.count))
        return String(cString: text)
    }

    /// nftables tables and the forwarding sysctls, as text.
    private func firewallAndForwarding(of namespace: NetworkNamespace) throws -> String {
        try namespace.run {
            let v4 = try String(contentsOfFile: "/proc/sys/net/ipv4/ip_forward", encoding: .utf8)
            let v6 = try String(contentsOfFile: "/proc/sys/net/ipv6/conf/all/forwarding", encoding: .utf8)
            return try Command.run(["nft", "list", "ruleset"]) + "ip_forward=\(v4)forwarding6=\(v6)"
        }
    }
}
