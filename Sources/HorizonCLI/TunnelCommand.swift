import ArgumentParser
import Glibc
import HorizonNode

/// `horizon tunnel --config FILE`: a WireGuard interface from a wg-quick file, in the
/// foreground (with a TAP per [LAN] section), torn down on Ctrl-C or SIGTERM.
struct TunnelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tunnel",
        abstract: "Run a WireGuard tunnel from a wg-quick configuration file, in the foreground.",
        discussion: """
            Creates the interface, applies the file's keys and peers, assigns its addresses and MTU, \
            brings it up and adds a route per allowed IP. A default route (0.0.0.0/0 or ::/0) goes \
            through a policy-routing table marked with the tunnel's fwmark, as wg-quick does it. \
            `wg show` and `wg set` work on the interface while it runs. Ctrl-C or SIGTERM removes \
            everything the command added. DNS and Pre/PostUp/Down hooks are not applied. \
            Horizon's own [LAN] sections (Name, Tag, Address, MAC, MTU, Members) add an L2 \
            network each: a TAP interface whose Ethernet frames are switched to the member peers \
            through the same tunnels (see the README). Needs root (or CAP_NET_ADMIN).
            """
    )

    @Option(name: .long, help: ArgumentHelp("The wg-quick configuration file.", valueName: "file"))
    var config: String

    @Option(name: .long, help: ArgumentHelp("Interface name (default: the file's name without .conf).", valueName: "name"))
    var interface: String?

    /// Becomes `horizon-tunnel` (installed beside this executable) in this same process: the
    /// PID, flags, output and exit status stay those of `horizon tunnel`, and the running
    /// tunnel does not carry the node agent's libraries (Foundation, NIO, TLS) in memory.
    func run() throws {
        let arguments = TunnelArguments(config: config, interface: interface)
        let path = try Self.leanExecutable()
        let argv = [TunnelArguments.executableName] + arguments.words
        let status = CStringArray.with(argv) { argv in execv(path, argv) }
        throw CLIError("cannot run \(path): \(String(cString: strerror(errno))) (status \(status))")
    }

    private static func leanExecutable() throws -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { throw CLIError("cannot find this executable's path (/proc/self/exe): \(String(cString: strerror(errno)))") }
        let own = String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let directory = own.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let path = "\(directory)/\(TunnelArguments.executableName)"
        guard access(path, X_OK) == 0 else {
            throw CLIError("\(path) is missing: install \(TunnelArguments.executableName) beside horizon (swift build puts both in one directory)")
        }
        return path
    }
}
