import Foundation
import HorizonCore
import HorizonNetnsKit

/// wireguard-go (the Debian package) running in a test namespace, configured through its
/// UAPI socket with the real `wg` tool, stopped by `stop()`.
final class WireGuardGoProcess: @unchecked Sendable {
    /// UAPI sockets live in /var/run/wireguard whatever the namespace, so the name carries
    /// our pid to stay unique across concurrent test runs.
    static let interfaceName = "hzdvg\(getpid() % 100_000)"

    private let namespace: NetworkNamespace
    private let process = Process()
    private let socketPath = "/var/run/wireguard/\(WireGuardGoProcess.interfaceName).sock"
    private let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("hzdv-wg-\(getpid()).key")

    init(namespace: NetworkNamespace) throws {
        self.namespace = namespace
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["ip", "netns", "exec", namespace.name, "env", "WG_PROCESS_FOREGROUND=1", "LOG_LEVEL=error",
                             "wireguard-go", Self.interfaceName]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        for _ in 0..<50 where !FileManager.default.fileExists(atPath: socketPath) {
            usleep(100_000)
        }
        guard FileManager.default.fileExists(atPath: socketPath) else {
            stop()
            throw StartFailure()
        }
    }

    struct StartFailure: Error, CustomStringConvertible {
        var description: String { "wireguard-go started but its UAPI socket did not appear" }
    }

    func configure(privateKey: PrivateKey, port: UInt16, peer: PublicKey, allowedIPs: String, endpoint: String?) throws {
        try Data((privateKey.base64 + "\n").utf8).write(to: keyFile, options: .withoutOverwriting)
        defer { try? FileManager.default.removeItem(at: keyFile) }
        var arguments = ["ip", "netns", "exec", namespace.name, "wg", "set", Self.interfaceName, "listen-port", "\(port)",
                         "private-key", keyFile.path, "peer", peer.base64, "allowed-ips", allowedIPs]
        if let endpoint { arguments += ["endpoint", endpoint] }
        try Command.run(arguments)
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: socketPath)
    }
}
