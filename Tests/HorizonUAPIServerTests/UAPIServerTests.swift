import Foundation
import HorizonCore
import HorizonDevice
import HorizonNetnsKit
import Testing

@Suite(.enabled(if: NetworkNamespace.isAvailable, "needs root"), .serialized)
struct UAPIServerTests {
    static let privateKeyHex = String(repeating: "a8", count: 32)
    static let peerHex = "c5320103 9adba14b e71f887e a1d8dbe9 ebdeed0b cb111b75 3400789b 99a9f038".replacingOccurrences(of: " ", with: "")

    @Test func setThenGetSpeaksTheProtocolWgReads() throws {
        let fixture = try UAPIServerFixture()
        defer { fixture.tearDown() }
        let client = try fixture.client()
        defer { client.close() }

        let set = "set=1\nprivate_key=\(Self.privateKeyHex)\nlisten_port=0\npublic_key=\(Self.peerHex)\n"
            + "endpoint=[fd00::2]:51820\npersistent_keepalive_interval=25\nallowed_ip=10.9.0.0/16\nallowed_ip=fd09::/64\n\n"
        #expect(try client.exchange(set) == "errno=0\n\n")

        // The same connection carries the next request, as it does for wg.
        let get = try client.exchange("get=1\n\n")
        let lines = get.split(separator: "\n").map(String.init)
        #expect(lines.first == "private_key=\(Self.privateKeyHex)")
        #expect(lines.contains { $0.hasPrefix("listen_port=") && $0 != "listen_port=0" }, "the port actually bound")
        #expect(lines.contains("public_key=\(Self.peerHex)"))
        #expect(lines.contains("endpoint=[fd00::2]:51820"))
        #expect(lines.contains("persistent_keepalive_interval=25"))
        #expect(lines.filter { $0.hasPrefix("allowed_ip=") } == ["allowed_ip=10.9.0.0/16", "allowed_ip=fd09::/64"])
        #expect(get.hasSuffix("errno=0\n\n"))
    }

    @Test func twoHundredThousandAllowedIPsStreamInAndComeBack() throws {
        let fixture = try UAPIServerFixture()
        defer { fixture.tearDown() }
        let client = try fixture.client()
        defer { client.close() }

        let count = 200_000
        var request = "set=1\npublic_key=\(Self.peerHex)\nreplace_allowed_ips=true\n"
        request.reserveCapacity(count * 28)
        for i in 0..<count { request += "allowed_ip=10.\(i >> 16).\((i >> 8) & 255).\(i & 255)/32\n" }
        request += "\n"
        #expect(try client.exchange(request, chunk: 65536) == "errno=0\n\n")

        let get = try client.exchange("get=1\n\n")
        let allowed = get.split(separator: "\n").filter { $0.hasPrefix("allowed_ip=") }
        #expect(allowed.count == count)
        #expect(Set(allowed).count == count)
        #expect(allowed.contains("allowed_ip=10.3.13.63/32"))    // i = 199_999
    }

    @Test func aMalformedSetIsRefusedWholeAndTheConnectionClosed() throws {
        let fixture = try UAPIServerFixture()
        defer { fixture.tearDown() }
        let client = try fixture.client()
        defer { client.close() }

        let answer = try client.exchange("set=1\npublic_key=\(Self.peerHex)\nallowed_ip=10.0.0.0/8\nallowed_ip=banana\n\n")
        #expect(answer == "errno=-22\n\n")
        #expect(client.isClosedByServer())
        #expect(fixture.device.snapshot().peers.isEmpty, "nothing of the refused request was applied")
    }

    @Test func anUnknownRequestIsHungUpOnWithoutAnAnswer() throws {
        let fixture = try UAPIServerFixture()
        defer { fixture.tearDown() }
        let client = try fixture.client()
        defer { client.close() }
        #expect(try client.exchange("bogus=1\n\n").isEmpty)
    }

    @Test func theSocketIsRootOnlyInAWorldReadableDirectory() throws {
        let fixture = try UAPIServerFixture()
        defer { fixture.tearDown() }
        let socket = try FileManager.default.attributesOfItem(atPath: fixture.socketPath)
        let directory = try FileManager.default.attributesOfItem(atPath: fixture.directory)
        #expect((socket[.posixPermissions] as? Int) == 0o600)
        #expect((directory[.posixPermissions] as? Int) == 0o755)
        #expect((socket[.type] as? FileAttributeType) == .typeSocket)
    }

    @Test func aLiveSocketIsRefusedAndAStaleOneReplaced() throws {
        let fixture = try UAPIServerFixture()
        defer { fixture.tearDown() }
        let error = #expect(throws: UAPIServerError.self) {
            try UAPIServer(device: fixture.device, interfaceName: UAPIServerFixture.interface, directory: fixture.directory)
        }
        #expect(error?.description.contains("in use") == true)

        // A socket file nobody listens on (a crashed daemon's) is taken over.
        fixture.server.close()
        #expect(!FileManager.default.fileExists(atPath: fixture.socketPath), "close removes the socket")
        let stale = try StaleSocket(path: fixture.socketPath)
        defer { stale.remove() }
        let replacement = try UAPIServer(device: fixture.device, interfaceName: UAPIServerFixture.interface, directory: fixture.directory)
        let client = try fixture.client()
        #expect(try client.exchange("get=1\n\n").hasSuffix("errno=0\n\n"))
        client.close()
        replacement.close()
    }

    @Test func closeLeavesAloneASocketThatIsNoLongerItsOwn() throws {
        let fixture = try UAPIServerFixture()
        defer { fixture.tearDown() }
        unlink(fixture.socketPath)
        let successor = try StaleSocket(path: fixture.socketPath)
        defer { successor.remove() }
        fixture.server.close()
        #expect(FileManager.default.fileExists(atPath: fixture.socketPath))
    }
}

/// A socket file bound and closed again: what a daemon killed with SIGKILL leaves.
private struct StaleSocket {
    let path: String

    init(path: String) throws {
        self.path = path
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        close(descriptor)
        guard bound == 0 else { throw UAPITestClient.Failure(description: "bind \(path): errno \(errno)") }
    }

    func remove() { unlink(path) }
}
