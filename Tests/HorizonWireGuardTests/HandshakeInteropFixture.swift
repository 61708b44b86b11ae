import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A private network namespace running one wireguard-go interface, with a UDP socket on
/// the namespace's loopback for the Swift side. Everything lives inside the namespace.
/// Callers write `defer { fixture.tearDown() }` before `try fixture.start()`, so a
/// half-made setup is removed too.
final class HandshakeInteropFixture {
    /// Root and wireguard-go + wg are needed; tests are skipped (not failed) without them.
    static var isAvailable: Bool {
        geteuid() == 0 && ["/usr/bin/wireguard-go", "/usr/bin/wg", "/usr/sbin/ip"].allSatisfy(FileManager.default.isExecutableFile)
    }

    static let wireGuardPort: UInt16 = 51820
    let namespace: String
    let interface: String
    private(set) var socket: Int32 = -1
    private let scratch: URL
    private var daemon: Process?

    /// `tag` keeps names unique between tests running at once (one letter is enough).
    init(tag: Character) {
        let id = getpid() % 100_000
        namespace = "hzc-hs\(tag)\(id)"
        interface = "hzc\(tag)\(id)"   // at most 15 characters; the UAPI socket path is global
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("hzc-interop-\(namespace)")
    }

    func start() throws {
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        try Self.run("/usr/sbin/ip", "netns", "add", namespace)
        try Self.run("/usr/sbin/ip", "-n", namespace, "link", "set", "lo", "up")
        socket = try Self.loopbackSocket(inNamespace: namespace)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
        process.arguments = ["netns", "exec", namespace, "/usr/bin/wireguard-go", "-f", interface]
        process.environment = ["WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD": "1", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        daemon = process
        for _ in 0..<50 where (try? Self.run("/usr/sbin/ip", "-n", namespace, "link", "show", interface)) == nil {
            usleep(100_000)   // up to 5 s for wireguard-go to create its TUN device
        }
    }

    /// `wg set` inside the namespace. Keys go through files, as wg(8) requires.
    func configure(privateKey: String, peer: String, presharedKey: String, extra: [String] = []) throws {
        let keyFile = scratch.appendingPathComponent("private"), pskFile = scratch.appendingPathComponent("psk")
        try privateKey.write(to: keyFile, atomically: true, encoding: .utf8)
        try presharedKey.write(to: pskFile, atomically: true, encoding: .utf8)
        try Self.run("/usr/sbin/ip", ["netns", "exec", namespace, "/usr/bin/wg", "set", interface,
            "private-key", keyFile.path, "listen-port", "\(Self.wireGuardPort)",
            "peer", peer, "preshared-key", pskFile.path, "allowed-ips", "10.99.0.2/32"] + extra)
    }

    /// Gives the interface 10.99.0.1/24 (inside the namespace only) and brings it up.
    func bringUp() throws {
        try Self.run("/usr/sbin/ip", "-n", namespace, "address", "add", "10.99.0.1/24", "dev", interface)
        try Self.run("/usr/sbin/ip", "-n", namespace, "link", "set", interface, "up")
    }

    /// Our socket's port on the namespace's 127.0.0.1.
    var localPort: UInt16 {
        var address = sockaddr_in(), length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) } }
        return UInt16(bigEndian: address.sin_port)
    }

    func send(_ datagram: [UInt8], toPort port: UInt16 = wireGuardPort) {
        var address = Self.loopback(port: port)
        _ = datagram.withUnsafeBytes { bytes in
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(socket, bytes.baseAddress, bytes.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
    }

    /// The next datagram and its source port, or nil after the 3-second receive timeout.
    func receive() -> (bytes: [UInt8], port: UInt16)? {
        var buffer = [UInt8](repeating: 0, count: 2048)
        var source = sockaddr_in(), length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let count = buffer.withUnsafeMutableBytes { bytes in
            withUnsafeMutablePointer(to: &source) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(socket, bytes.baseAddress, bytes.count, 0, $0, &length) }
            }
        }
        guard count >= 0 else { return nil }
        return (Array(buffer.prefix(count)), UInt16(bigEndian: source.sin_port))
    }

    func tearDown() {
        if socket >= 0 { close(socket) }
        if let daemon, daemon.isRunning {
            daemon.terminate()   // `ip netns exec` exec'd wireguard-go, so this is its pid
            daemon.waitUntilExit()
        }
        try? Self.run("/usr/sbin/ip", "netns", "delete", namespace)
        try? FileManager.default.removeItem(atPath: "/var/run/wireguard/\(interface).sock")
        try? FileManager.default.removeItem(at: scratch)
    }

    // MARK: - Plumbing

    struct CommandFailed: Error { let command: [String]; let status: Int32 }

    static func run(_ executable: String, _ arguments: String...) throws { try run(executable, arguments) }

    static func run(_ executable: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CommandFailed(command: [executable] + arguments, status: process.terminationStatus) }
    }

    static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }

    /// A UDP socket bound to 127.0.0.1 inside `namespace`. A socket keeps the namespace it
    /// was made in, so this thread enters the namespace just long enough to create it.
    static func loopbackSocket(inNamespace namespace: String) throws -> Int32 {
        typealias SetNS = @convention(c) (Int32, Int32) -> Int32
        let newNetworkNamespace: Int32 = 0x4000_0000   // CLONE_NEWNET
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "setns") else { throw CommandFailed(command: ["setns"], status: -1) }
        let setns = unsafeBitCast(symbol, to: SetNS.self)
        let original = open("/proc/thread-self/ns/net", O_RDONLY), target = open("/var/run/netns/\(namespace)", O_RDONLY)
        defer { close(original); close(target) }
        guard original >= 0, target >= 0, setns(target, newNetworkNamespace) == 0 else { throw CommandFailed(command: ["setns", namespace], status: errno) }
        defer { precondition(setns(original, newNetworkNamespace) == 0, "cannot return to the original network namespace") }
        let fd = Glibc.socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        var address = loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var timeout = timeval(tv_sec: 3, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard fd >= 0, bound == 0 else { throw CommandFailed(command: ["socket"], status: errno) }
        return fd
    }
}
