import Foundation
import HorizonCore
import HorizonNAT
import HorizonNetnsKit
import HorizonNode
import HorizonPathsLab
import Testing

/// PeerPaths end to end: two nodes behind Linux NATs (iptables, built here), coturn in the
/// public namespace as STUN server and relay, signaling between them in process
/// (`PathPair`). Each cell must settle on the path the NATs allow and carry WireGuard; a
/// session moves from the relay to a direct path that starts working, and follows a node
/// whose underlay address changes; 10 % loss still connects.
@Suite(.serialized) struct PeerPathsThroughLinuxNATTests {
    struct Cell: Sendable, CustomTestStringConvertible {
        let a: LinuxNATNetwork.NAT
        let b: LinuxNATNetwork.NAT
        /// Nil: either is right (endpoint-independent <-> symmetric goes direct only by luck).
        let expected: PeerPath.Kind?
        var testDescription: String { "\(a) <-> \(b): \(expected?.rawValue ?? "either")" }
    }

    static let available = NetworkNamespace.isAvailable && NamespacedCoturn.isInstalled
        && FileManager.default.isExecutableFile(atPath: "/usr/sbin/iptables")

    static let matrix: [Cell] = [
        Cell(a: .none, b: .none, expected: .direct),
        Cell(a: .none, b: .masquerade, expected: .direct),
        Cell(a: .none, b: .randomFully, expected: .direct),
        Cell(a: .masquerade, b: .masquerade, expected: .direct),
        Cell(a: .masquerade, b: .randomFully, expected: nil),
        Cell(a: .randomFully, b: .randomFully, expected: .relay),
    ]

    @Test(.enabled(if: available, "needs root, /dev/net/tun, coturn and iptables"), .timeLimit(.minutes(2)), arguments: matrix)
    func pathSettlesAndCarriesWireGuard(cell: Cell) async throws {
        try await PathPair.with(cell.a, cell.b) { pair in
            let settled = try #require(await pair.paths(), "\(cell.testDescription): no path within 45 s")
            if let expected = cell.expected {
                #expect(settled.0.kind == expected.rawValue && settled.1.kind == expected.rawValue, "a \(settled.0), b \(settled.1)")
            }
            try pair.a.ping(pair.b)
            try pair.b.ping(pair.a)
        }
    }

    /// Symmetric NATs on both sides with Horizon's own relay (`horizon relay`) instead of coturn.
    @Test(.enabled(if: available, "needs root, /dev/net/tun, coturn and iptables"), .timeLimit(.minutes(2)))
    func relaysThroughHorizonsOwnRelay() async throws {
        try await PathPair.with(.randomFully, .randomFully, relay: .horizon) { pair in
            let settled = try #require(await pair.paths(), "no path through Horizon's relay within 45 s")
            #expect(settled.0.kind == "relay" && settled.1.kind == "relay", "a \(settled.0), b \(settled.1)")
            try pair.a.ping(pair.b)
            try pair.b.ping(pair.a)
        }
    }

    /// 10 % of the underlay's UDP is lost (between the routers and to and from the relay):
    /// checks and signaling are retried until a path works, and WireGuard crosses it.
    @Test(.enabled(if: available, "needs root, /dev/net/tun, coturn and iptables"), .timeLimit(.minutes(2)))
    func connectsWithTenPercentLoss() async throws {
        try await PathPair.with(.masquerade, .masquerade) { pair in
            for chain in ["FORWARD", "INPUT", "OUTPUT"] {
                try Command.run(["ip", "netns", "exec", pair.network.publicSide.name, "iptables", "-I", chain, "-p", "udp",
                                 "-m", "statistic", "--mode", "random", "--probability", "0.1", "-j", "DROP"])
            }
            let settled = await pair.paths()
            #expect(settled != nil, "no path within 45 s at 10 % loss")
            // A lost handshake initiation is retried after 5 s (WireGuard's rekey timeout): three
            // replies within 20 s.
            try Command.run(["ip", "netns", "exec", pair.a.namespace.name, "ping", "-c", "3", "-i", "0.5", "-w", "20", pair.b.overlayAddress])
        }
    }

    /// Direct UDP between the two routers is dropped at first, so the pair settles on the
    /// relay; once it passes, the retried direct pair works and the session moves to it.
    @Test(.enabled(if: available, "needs root, /dev/net/tun, coturn and iptables"), .timeLimit(.minutes(2)))
    func movesFromRelayToDirect() async throws {
        var options = PeerPaths.Options()
        options.checks.failedPairRetry = .seconds(2)
        try await PathPair.with(.masquerade, .masquerade, options: options) { pair in
            let block = ["-s", "100.64.1.2", "-d", "100.64.2.2", "-p", "udp", "-j", "DROP"]
            let blockBack = ["-s", "100.64.2.2", "-d", "100.64.1.2", "-p", "udp", "-j", "DROP"]
            for rule in [block, blockBack] {
                try Command.run(["ip", "netns", "exec", pair.network.publicSide.name, "iptables", "-I", "FORWARD"] + rule)
            }
            let relayed = try #require(await pair.paths(), "no path through the relay")
            #expect(relayed.0.kind == "relay" && relayed.1.kind == "relay", "a \(relayed.0), b \(relayed.1)")
            try pair.a.ping(pair.b)
            for rule in [block, blockBack] {
                try Command.run(["ip", "netns", "exec", pair.network.publicSide.name, "iptables", "-D", "FORWARD"] + rule)
            }
            let direct = await pair.paths(within: .seconds(15)) { $0.kind == "direct" && $1.kind == "direct" }
            let now = await pair.kind()
            #expect(direct != nil, "still \(now) 15 s after the direct path opened")
            try pair.a.ping(pair.b)
            try pair.b.ping(pair.a)
        }
    }

    /// Node a's underlay address changes from 10.0.1.2 to 10.0.1.3 in the middle of a TCP
    /// transfer from b: the transfer finishes with the right checksum, and a gathers again,
    /// signals a new session, and b's WireGuard peer moves to the new address.
    @Test(.enabled(if: available, "needs root, /dev/net/tun, coturn and iptables"), .timeLimit(.minutes(2)))
    func followsANodeWhoseAddressChanges() async throws {
        try await PathPair.with(.none, .none) { pair in
            let before = try #require(await pair.paths(), "no path")
            #expect(before.1.endpoint == "10.0.1.2:51820")
            try pair.b.ping(pair.a)
            let transfer = try TCPTransfer(from: pair.b.namespace, to: pair.a.namespace, address: pair.a.overlayAddress)
            try await Task.sleep(for: .seconds(1))
            let a = pair.a.namespace
            try Command.run(["ip", "netns", "exec", a.name, "sysctl", "-qw", "net.ipv4.conf.hznat-c1.promote_secondaries=1"])
            try a.ip("addr", "add", "10.0.1.3/24", "dev", "hznat-c1")
            try a.ip("addr", "del", "10.0.1.2/24", "dev", "hznat-c1")
            let after = await pair.paths(within: .seconds(15)) { _, fromB in fromB.endpoint == "10.0.1.3:51820" }
            let now = await pair.b.path(to: pair.a)
            #expect(after != nil, "b still reaches a at \(String(describing: now))")
            let (sent, received) = try await transfer.finish(within: .seconds(30))
            #expect(!sent.isEmpty && sent == received, "sent \(sent), received \(received)")
            try pair.b.ping(pair.a)
        }
    }

    /// Both nodes behind endpoint-independent NATs, on a direct path; then a's LAN address
    /// changes. a's router keeps the old mapping alive as long as b sends to it, so a's new
    /// one toward b gets another port than the one STUN reports, and b's NAT drops a's checks
    /// from it: no direct pair works at first. Both must still get a working path again (the
    /// relay; direct once the stale mapping lets go) within a bounded time.
    @Test(.enabled(if: available, "needs root, /dev/net/tun, coturn and iptables"), .timeLimit(.minutes(2)))
    func refindsAPathBetweenTwoNATsAfterAnAddressChange() async throws {
        try await PathPair.with(.masquerade, .masquerade) { pair in
            let before = try #require(await pair.paths(), "no path")
            #expect(before.0.kind == "direct" && before.1.kind == "direct")
            try pair.b.ping(pair.a)
            let a = pair.a.namespace
            try Command.run(["ip", "netns", "exec", a.name, "sysctl", "-qw", "net.ipv4.conf.hznat-c1.promote_secondaries=1"])
            try a.ip("addr", "add", "10.0.1.3/24", "dev", "hznat-c1")
            try a.ip("addr", "del", "10.0.1.2/24", "dev", "hznat-c1")
            let changed = MonotonicTime.now()
            // Settled again: both sides on a path, b no longer at the old mapping, and pings cross it.
            var working = false
            while !working, MonotonicTime.now() < changed + .seconds(25) {
                if await pair.paths(within: .seconds(1), where: { _, fromB in fromB.endpoint != before.1.endpoint }) != nil {
                    working = (try? Command.run(["ip", "netns", "exec", pair.b.namespace.name, "ping", "-c", "1", "-W", "1", pair.a.overlayAddress])) != nil
                }
            }
            let now = (await pair.a.path(to: pair.b), await pair.b.path(to: pair.a))
            #expect(working, "paths \(String(describing: now))")
            print("re-found after \(MonotonicTime.now().since(changed)): \(String(describing: now))")
            try pair.a.ping(pair.b)
        }
    }
}

/// A paced TCP transfer (6 MiB over about 4 s) between two namespaces, each end reporting
/// "<bytes> <sha256>" of what it sent or received. (The scripts use `__import__`: a line
/// starting with `import` would read as a Swift import to ArchitectureTests.)
struct TCPTransfer {
    let receiver: Process
    let sender: Process
    let receiverOutput = Pipe()
    let senderOutput = Pipe()

    init(from source: NetworkNamespace, to destination: NetworkNamespace, address: String) throws {
        receiver = Self.python(in: destination, address, """
            socket, hashlib, sys = map(__import__, ["socket", "hashlib", "sys"])
            s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((sys.argv[1], 5001)); s.listen(1); s.settimeout(20)
            c, _ = s.accept(); c.settimeout(20); h = hashlib.sha256(); n = 0
            while True:
                d = c.recv(65536)
                if not d: break
                h.update(d); n += len(d)
            print(n, h.hexdigest())
            """, output: receiverOutput)
        try receiver.run()
        usleep(300_000)
        sender = Self.python(in: source, address, """
            socket, hashlib, sys, time = map(__import__, ["socket", "hashlib", "sys", "time"])
            s = socket.create_connection((sys.argv[1], 5001), timeout=20)
            block = bytes(i % 251 for i in range(65536)); h = hashlib.sha256()
            for i in range(96):
                s.sendall(block); h.update(block); time.sleep(0.04)
            s.close(); print(96 * 65536, h.hexdigest())
            """, output: senderOutput)
        try sender.run()
    }

    private static func python(in namespace: NetworkNamespace, _ address: String, _ script: String, output: Pipe) -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["ip", "netns", "exec", namespace.name, "python3", "-c", script, address]
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        return process
    }

    /// What each end reported; both are stopped if they take longer than `timeout`.
    func finish(within timeout: Duration) async throws -> (sent: String, received: String) {
        let deadline = MonotonicTime.now() + timeout
        while (sender.isRunning || receiver.isRunning) && MonotonicTime.now() < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        for process in [sender, receiver] where process.isRunning { process.terminate() }
        func text(_ pipe: Pipe) -> String {
            String(decoding: ReadToEnd.bytes(of: pipe.fileHandleForReading.fileDescriptor), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return (text(senderOutput), text(receiverOutput))
    }
}
