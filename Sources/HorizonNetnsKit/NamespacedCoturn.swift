import Foundation

/// coturn (STUN and TURN with one static long-term user) on `address`:3478 inside `namespace`,
/// killed by `stop()`.
public final class NamespacedCoturn: @unchecked Sendable {
    public static let username = "horizon"
    public static let password = "correct horse"
    public static let realm = "horizon.test"
    public static let isInstalled = FileManager.default.isExecutableFile(atPath: "/usr/bin/turnserver")
    private let process = Process()
    private let directory: URL

    public init(in namespace: NetworkNamespace, address: String) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hznat-coturn-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let config = [
            "listening-ip=\(address)", "relay-ip=\(address)", "listening-port=3478", "lt-cred-mech", "realm=\(Self.realm)",
            "user=\(Self.username):\(Self.password)", "no-tls", "no-dtls", "no-cli", "simple-log",
            "log-file=stdout", "pidfile=\(directory.path)/turnserver.pid", "userdb=\(directory.path)/turndb",
        ].joined(separator: "\n")
        let file = directory.appendingPathComponent("turnserver.conf")
        try config.write(to: file, atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["ip", "netns", "exec", namespace.name, "turnserver", "-c", file.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    deinit { stop() }

    public func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)   // `ip netns exec` became turnserver, which may ignore SIGTERM
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }
}
