import Glibc
import HorizonDevice

/// Log lines as wireguard-go writes them, so scripts and eyes used to it keep working:
/// `DEBUG: (wg0) 2025/01/31 12:00:00 message` and `ERROR: (wg0) ...` on stdout, chosen
/// by LOG_LEVEL (verbose or debug: both; error, the default: errors; silent: nothing).
struct WireGuardGoLog: Sendable {
    enum Level: Int, Sendable {
        case silent, error, verbose

        init(environment value: String?) {
            switch value {
            case "verbose", "debug": self = .verbose
            case "silent": self = .silent
            default: self = .error
            }
        }
    }

    let level: Level
    let interface: String

    func verbose(_ message: String) {
        if level.rawValue >= Level.verbose.rawValue { write("DEBUG", message) }
    }

    func error(_ message: String) {
        if level.rawValue >= Level.error.rawValue { write("ERROR", message) }
    }

    var uapiLog: UAPIServer.Log {
        UAPIServer.Log(verbose: { verbose($0) }, error: { error($0) })
    }

    /// One write(2) per line, so lines from different threads never interleave.
    private func write(_ tag: String, _ message: String) {
        let line = "\(tag): (\(interface)) \(Self.timestamp()) \(message)\n"
        var bytes = Array(line.utf8)
        _ = Glibc.write(STDOUT_FILENO, &bytes, bytes.count)
    }

    /// Local time as Go's log package prints it: 2006/01/02 15:04:05.
    private static func timestamp() -> String {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        var buffer = [CChar](repeating: 0, count: 32)
        let length = strftime(&buffer, buffer.count, "%Y/%m/%d %H:%M:%S", &parts)
        return String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
