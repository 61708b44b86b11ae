#if canImport(Glibc)
import Glibc
#endif
import HorizonCore

/// Runs the host's network tools (iproute2's `ip`, `nft`) to completion. A failure carries the
/// command line and the tool's own message, which is usually what the user needs to see.
public enum SystemTool {
    /// Where root's PATH finds iproute2 on Debian and friends, for callers whose PATH lacks sbin.
    private static let fallbackDirectories = ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]

    /// Runs `ip ARGUMENTS` and returns its standard output.
    @discardableResult
    public static func ip(_ arguments: [String]) throws(TunnelError) -> String {
        try run("ip", arguments)
    }

    /// Runs `nft ARGUMENTS`, feeding `input` (a ruleset for `-f -`) on standard input.
    @discardableResult
    public static func nft(_ arguments: [String], input: String? = nil) throws(TunnelError) -> String {
        try run("nft", arguments, input: input, package: "nftables")
    }

    public static func run(_ tool: String, _ arguments: [String], input: String? = nil, package: String = "iproute2") throws(TunnelError) -> String {
        let commandLine = ([tool] + arguments).joined(separator: " ")
        guard let path = locate(tool) else {
            throw TunnelError("cannot find `\(tool)` — install \(package)")
        }
        let result: ChildProcess.Result
        switch ChildProcess.run(path, arguments, input: input) {
        case .success(let finished): result = finished
        case .failure(let error): throw TunnelError("cannot run `\(commandLine)`: \(error.description)")
        }
        guard result.exitStatus == 0 else {
            let detail = String(decoding: result.errors, as: UTF8.self).trimmingWhitespace()
            let status = result.exitStatus.map { "exit status \($0)" } ?? "killed by a signal"
            throw TunnelError("`\(commandLine)` failed: \(detail.isEmpty ? status : detail)")
        }
        return String(decoding: result.output, as: UTF8.self)
    }

    private static func locate(_ tool: String) -> String? {
        let path = getenv("PATH").map { String(cString: $0).split(separator: ":").map(String.init) } ?? []
        return (path + fallbackDirectories)
            .map { "\($0)/\(tool)" }
            .first { access($0, X_OK) == 0 }
    }
}
