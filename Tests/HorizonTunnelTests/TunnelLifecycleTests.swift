import Foundation
import HorizonNetnsKit
import HorizonNode
import Testing

/// `Tunnel` end to end in a namespace of its own, its UAPI socket in a private directory:
/// what it adds while up, and that stopping (or failing to start) leaves the namespace as
/// it found it.
@Suite(.enabled(if: NetworkNamespace.isAvailable, "needs root"), .serialized)
struct TunnelLifecycleTests {
    static let privateKey = "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk="
    static let peer = "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg="

    let namespace: NetworkNamespace
    let directory: String

    init() throws {
        namespace = try NetworkNamespace(prefix: "hztn")
        directory = NSTemporaryDirectory() + "hztn-tunnel-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    private func writeConfig(_ extra: String, allowedIPs: String) throws -> String {
        let path = "\(directory)/hztnt0.conf"
        try """
            [Interface]
            PrivateKey = \(Self.privateKey)
            Address = 10.246.0.1/24, fd46::1/64
            MTU = 1380
            \(extra)
            [Peer]
            PublicKey = \(Self.peer)
            Endpoint = 127.0.0.1:51999
            AllowedIPs = \(allowedIPs)
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func upAddsWhatTheFileSaysAndStopRemovesIt() throws {
        defer { cleanUp() }
        let config = try writeConfig("", allowedIPs: "10.247.0.0/16, 0.0.0.0/0")
        let before = try state()
        let (status, during, failures) = try namespace.run { [directory] in
            let tunnel = try Tunnel(configPath: config, uapiDirectory: directory)
            let during = try state()
            return (tunnel.statusLine, during, tunnel.stop())
        }
        #expect(status.hasPrefix("hztnt0 up; 10.246.0.1/24, fd46::1/64; UDP port "))
        #expect(status.contains("1 peer; default route via table 51820 (fwmark 51820); UAPI \(directory)/hztnt0.sock"))
        #expect(during.contains("mtu 1380"))
        #expect(during.contains("inet6 fd46::1/64"))
        #expect(during.contains("10.247.0.0/16 dev hztnt0"))
        #expect(during.contains("default dev hztnt0 table 51820"))
        #expect(during.contains("not from all fwmark 0xca6c lookup 51820"))
        #expect(failures.isEmpty)
        #expect(try state() == before)
        #expect(!FileManager.default.fileExists(atPath: "\(directory)/hztnt0.sock"))
    }

    @Test func aFailureAfterTheInterfaceExistsIsRolledBack() throws {
        defer { cleanUp() }
        let config = try writeConfig("Table = no-such-table", allowedIPs: "10.247.0.0/16")
        let before = try state()
        let error = try namespace.run { [directory] in
            #expect(throws: TunnelError.self) { try Tunnel(configPath: config, uapiDirectory: directory) }
        }
        #expect(error?.description.contains("table no-such-table") == true)
        #expect(try state() == before)
        #expect(!FileManager.default.fileExists(atPath: "\(directory)/hztnt0.sock"))
    }

    /// Links, addresses, rules, every table and src_valid_mark.
    private func state() throws -> String {
        try namespace.run {
            let commands = [["ip", "address"], ["ip", "-4", "rule"], ["ip", "-6", "rule"],
                            ["ip", "-4", "route", "show", "table", "all"], ["ip", "-6", "route", "show", "table", "all"]]
            let mark = try String(contentsOfFile: "/proc/sys/net/ipv4/conf/all/src_valid_mark", encoding: .utf8)
            return try commands.map { try Command.run($0) }.joined() + "src_valid_mark=" + mark
        }
    }

    private func cleanUp() {
        namespace.remove()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
