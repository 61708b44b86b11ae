import ArgumentParser
import Foundation
import HorizonNode

/// `--socket`, taken by the daemon and by every command that talks to it, so several nodes
/// can run on one machine.
struct DaemonSocket: ParsableArguments {
    @Option(help: ArgumentHelp("The daemon's local API socket.", valueName: "path"))
    var socket = LocalAPIServer.defaultSocketPath

    /// Sends one request to the daemon; a failure becomes one line for the user.
    func send(_ method: LocalAPIClient.Method, _ path: String, body: (some Encodable)? = Optional<String>.none,
              timeout: Int64 = 120) async throws -> LocalResponse {
        let data = try body.map { try JSONEncoder().encode($0) }
        let response: LocalResponse
        do {
            response = try await LocalAPIClient(socketPath: socket, timeout: .seconds(timeout)).send(method, path, body: data)
        } catch {
            throw CLIError(error.description)
        }
        guard response.isSuccess else { throw CLIError(response.errorMessage ?? "the daemon answered \(response.status)") }
        return response
    }
}

/// `--json`: the daemon's answer as it came, for scripts.
struct OutputFormat: ParsableArguments {
    @Flag(help: "Print JSON instead of text.")
    var json = false
}

enum Format {
    static func bytes(_ count: UInt64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(count)
        var unit = 0
        while value >= 1024, unit < units.count - 1 { value /= 1024; unit += 1 }
        return unit == 0 ? "\(count) B" : String(format: "%.1f %@", value, units[unit])
    }

    static func rate(_ bytesPerSecond: Double) -> String {
        String(format: "%.1f kbit/s", bytesPerSecond * 8 / 1000)
    }

    static func age(_ seconds: Int?) -> String {
        guard let seconds else { return "never" }
        return "\(seconds)s ago"
    }
}
