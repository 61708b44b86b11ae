import Foundation
import HorizonCore
import HorizonNetnsKit
import HorizonNode
import Testing

/// A journal with a record file: what a killed process changed is undone by the next one.
struct NetworkJournalRecordTests {
    @Test func recoverWritesBackARecordedSysctlSkipsUnreadableLinesAndDeletesTheRecord() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hz-journal-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory + "/net", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "1\n".write(toFile: directory + "/net/forwarding", atomically: true, encoding: .utf8)
        let record = directory + "/hz0.tunnel.journal"
        try "sysctl\tnet/forwarding\t0\nnot a step\nsysctl\tonly-two-fields\n".write(toFile: record, atomically: true, encoding: .utf8)

        #expect(NetworkJournal.recover(at: record, sysctlRoot: directory).isEmpty)
        #expect(try String(contentsOfFile: directory + "/net/forwarding", encoding: .utf8) == "0\n")
        #expect(!FileManager.default.fileExists(atPath: record))
        #expect(NetworkJournal.recover(at: record, sysctlRoot: directory).isEmpty, "no record: nothing to do")
    }

    @Test(.enabled(if: NetworkNamespace.isAvailable, "needs root"))
    func aKilledRunsRulesSysctlsAndTablesAreUndoneByTheNext() throws {
        let namespace = try NetworkNamespace(prefix: "hztr")
        defer { namespace.remove() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hz-journal-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let record = directory + "/hztr0.tunnel.journal"
        let before = try state(of: namespace)
        try namespace.ip("tuntap", "add", "dev", "hztr0", "mode", "tun")
        try namespace.ip("link", "set", "hztr0", "up")

        try namespace.run {
            // A run that is killed: its journal never undoes.
            let journal = NetworkJournal(recordPath: record)
            for change: NetworkChange in [
                .address(IPPrefix("10.77.0.1/24")!, interface: "hztr0"),
                .rule(.v4, ["not", "fwmark", "51998", "table", "51998"]),
                .sysctl("net/ipv4/ip_forward", value: "1"),
                .firewallTable(name: "horizon_test_record", chains: "  chain forward {\n    type filter hook forward priority 0; policy accept;\n  }"),
            ] { try journal.apply(change) }
        }
        #expect(try state(of: namespace) != before)
        #expect(FileManager.default.fileExists(atPath: record))
        // Its interface goes with the process.
        try namespace.ip("link", "del", "hztr0")

        let failures = try namespace.run { NetworkJournal.recover(at: record) }
        #expect(failures.isEmpty, "\(failures)")
        #expect(try state(of: namespace) == before)
        #expect(!FileManager.default.fileExists(atPath: record))
    }

    /// Links, rules, forwarding and nftables tables, as text.
    private func state(of namespace: NetworkNamespace) throws -> String {
        try namespace.run {
            let commands = [["ip", "-d", "address"], ["ip", "-4", "rule"], ["nft", "list", "tables"]]
            let forwarding = try String(contentsOfFile: "/proc/sys/net/ipv4/ip_forward", encoding: .utf8)
            return try commands.map { try Command.run($0) }.joined() + "ip_forward=" + forwarding
        }
    }
}
