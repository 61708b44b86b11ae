import Foundation
import HorizonCore
import HorizonNAT
import HorizonUDP

/// Debian's coturn (`turnserver`) in the foreground on a loopback port with a temporary
/// configuration, killed on `stop()` or deinit. `stunOnly` serves Binding alone; otherwise
/// it relays on loopback for one static long-term user.
final class CoturnProcess {
    static let executable = ["/usr/bin/turnserver", "/usr/sbin/turnserver"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static let loopback = IPAddress.v4(IPv4Address(127, 0, 0, 1))
    static let realm = "horizon.test"
    static let credentials = TURNCredentials(username: "horizon", password: "correct horse")

    let address: UDPAddress
    private let directory: URL
    private let process = Process()

    init(stunOnly: Bool) throws {
        let port = try UDPSocket(family: .ipv4, address: Self.loopback).port   // free now; released on deinit
        address = UDPAddress(ip: Self.loopback, port: port)
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hzs-coturn-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var lines = [
            "listening-ip=127.0.0.1", "listening-port=\(port)", "no-tls", "no-dtls", "no-cli", "simple-log",
            "log-file=stdout", "pidfile=\(directory.path)/turnserver.pid", "userdb=\(directory.path)/turndb",
        ]
        lines += stunOnly ? ["stun-only"] : [
            "relay-ip=127.0.0.1", "lt-cred-mech", "realm=\(Self.realm)",
            "user=\(Self.credentials.username):\(Self.credentials.password)",
            // Peers in these tests are loopback sockets, which coturn refuses by default.
            "allow-loopback-peers", "no-multicast-peers",
        ]
        let configFile = directory.appendingPathComponent("turnserver.conf")
        try lines.joined(separator: "\n").write(to: configFile, atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: Self.executable!)
        process.arguments = ["-c", configFile.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    deinit { stop() }

    func stop() {
        if process.isRunning {
            // turnserver started this way ignores SIGTERM; nothing of it needs a clean exit.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }
}
