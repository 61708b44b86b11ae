#if canImport(Glibc)
import Glibc
#endif

/// Reads a file descriptor (a child process's pipe) until end of file. Foundation's
/// `FileHandle.readDataToEndOfFile` traps when a signal interrupts its read (EINTR), and
/// Foundation's own `Process` installs a SIGCHLD handler, so any process that runs tools on
/// several threads eventually hits that; this retries interrupted reads instead.
public enum ReadToEnd {
    public static func bytes(of fd: Int32) -> [UInt8] {
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                result.append(contentsOf: chunk[0..<count])
            } else if count == 0 || errno != EINTR {
                return result
            }
        }
    }
}
