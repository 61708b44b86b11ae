import Foundation
import HorizonCore
import HorizonNetnsKit
import HorizonNode
import Testing

/// Applies real changes with `ip` inside a namespace made for the test (a persistent TUN
/// stands in for the tunnel) and checks that undo leaves the namespace as it was.
@Suite(.enabled(if: NetworkNamespace.isAvailable, "needs root"))
struct NetworkJournalTests {
    @Test func undoRevertsExactlyWhatWasAppliedNewestFirst() throws {
        let namespace = try NetworkNamespace(prefix: "hztn")
        defer { namespace.remove() }
        try namespace.ip("tuntap", "add", "dev", "hztn0", "mode", "tun")
        try namespace.ip("link", "set", "hztn0", "up")
        // The kernel adds the link's IPv6 multicast route with its first IPv6 address and
        // keeps it: make that happen before the snapshot, it is not the journal's doing.
        try namespace.ip("address", "add", "fd77::9/64", "dev", "hztn0")
        try namespace.ip("address", "del", "fd77::9/64", "dev", "hztn0")
        let before = try state(of: namespace)

        let plan: [NetworkChange] = [
            .address(IPPrefix("10.77.0.1/24")!, interface: "hztn0"),
            .address(IPPrefix("fd77::1/64")!, interface: "hztn0"),
            .route(IPPrefix("10.78.0.0/16")!, interface: "hztn0", table: nil),
            .route(IPPrefix("0.0.0.0/0")!, interface: "hztn0", table: "51999"),
            .rule(.v4, ["not", "fwmark", "51999", "table", "51999"]),
            .rule(.v6, ["table", "main", "suppress_prefixlength", "0"]),
            .sysctl("net/ipv4/conf/all/src_valid_mark", value: "1"),
        ]
        let during = try namespace.run {
            let journal = NetworkJournal()
            for change in plan { try journal.apply(change) }
            let during = try state(of: namespace)
            #expect(journal.undoAll().isEmpty)
            return during
        }
        #expect(during.contains("10.78.0.0/16 dev hztn0"))
        #expect(during.contains("default dev hztn0 table 51999"))
        #expect(during.contains("not from all fwmark 0xcb1f lookup 51999"))
        #expect(during.contains("src_valid_mark=1"))
        #expect(try state(of: namespace) == before)
    }

    @Test func aFailedChangeIsNotRecordedAndEarlierOnesStillUndo() throws {
        let namespace = try NetworkNamespace(prefix: "hztn")
        defer { namespace.remove() }
        try namespace.ip("tuntap", "add", "dev", "hztn0", "mode", "tun")
        let before = try state(of: namespace)
        let error = try namespace.run {
            let journal = NetworkJournal()
            try journal.apply(.address(IPPrefix("10.77.0.1/24")!, interface: "hztn0"))
            let error = #expect(throws: TunnelError.self) {
                try journal.apply(.route(IPPrefix("10.79.0.0/16")!, interface: "hztn-missing", table: nil))
            }
            #expect(journal.undoAll().isEmpty)
            return error
        }
        #expect(error?.description.contains("ip -4 route add 10.79.0.0/16 dev hztn-missing") == true)
        #expect(try state(of: namespace) == before)
    }

    /// Addresses, links, routes of every table, rules and the sysctl, as text.
    private func state(of namespace: NetworkNamespace) throws -> String {
        try namespace.run {
            let commands = [["ip", "-d", "address"], ["ip", "-4", "route", "show", "table", "all"],
                            ["ip", "-6", "route", "show", "table", "all"], ["ip", "-4", "rule"], ["ip", "-6", "rule"]]
            let sysctl = try String(contentsOfFile: "/proc/sys/net/ipv4/conf/all/src_valid_mark", encoding: .utf8)
            return try commands.map { try Command.run($0) }.joined() + "src_valid_mark=" + sysctl
        }
    }
}
