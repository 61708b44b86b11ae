import Foundation
import HorizonCore
import HorizonUDP
import Testing
@testable import HorizonNAT

/// `STUNClient` against Debian's coturn (`turnserver`), run in the foreground on a loopback
/// port with a temporary configuration. Skipped when coturn is not installed.
@Suite struct CoturnInteropTests {
    static let turnserver = ["/usr/bin/turnserver", "/usr/sbin/turnserver"].first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test(.enabled(if: turnserver != nil, "coturn is not installed (apt-get install coturn)"))
    func bindingAgainstCoturn() throws {
        let loopback = IPAddress.v4(IPv4Address(127, 0, 0, 1))
        let port = try UDPSocket(family: .ipv4, address: loopback).port   // free now; released on deinit
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hzs-coturn-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = """
            listening-ip=127.0.0.1
            listening-port=\(port)
            stun-only
            no-tls
            no-dtls
            no-cli
            simple-log
            log-file=stdout
            pidfile=\(directory.path)/turnserver.pid
            userdb=\(directory.path)/turndb
            """
        let configFile = directory.appendingPathComponent("turnserver.conf")
        try config.write(to: configFile, atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.turnserver!)
        process.arguments = ["-c", configFile.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            // turnserver started this way ignores SIGTERM; nothing of it needs a clean exit.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }

        let socket = try UDPSocket(family: .ipv4, address: loopback)
        let client = STUNClient(socket: socket)
        // Retransmissions cover coturn's start-up (~0.5 s): sends over 6.3 s, then 1.6 s wait.
        let policy = STUNRetransmission(initialRTO: .milliseconds(100), requestCount: 7, lastWaitMultiplier: 16)
        let mapped = try client.reflexiveAddress(from: UDPAddress(ip: loopback, port: port), policy: policy)
        #expect(mapped == UDPAddress(ip: loopback, port: socket.port))
    }
}
