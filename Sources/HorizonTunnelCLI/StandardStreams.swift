#if canImport(Glibc)
import Glibc
#endif
import HorizonCore

/// Unbuffered lines on standard output and error: whoever started us (a test, a script)
/// may be waiting for a line before the process ends.
enum StandardStreams {
    static func write(_ line: String) {
        WriteAll.bytes(Array((line + "\n").utf8), to: STDOUT_FILENO)
    }

    static func error(_ line: String) {
        WriteAll.bytes(Array((line + "\n").utf8), to: STDERR_FILENO)
    }
}
