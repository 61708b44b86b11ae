import Foundation

/// Unbuffered lines on standard output and error: whoever started us (a test, systemd, a
/// script) may be waiting for a line before the process ends.
enum Console {
    static func write(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    static func error(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
