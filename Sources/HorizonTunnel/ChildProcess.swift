#if canImport(Glibc)
import Glibc
#endif
import HorizonCore

/// A program run to completion with posix_spawn: its standard input fed from a string (or
/// /dev/null), its standard output and error collected. Foundation's `Process` would pull
/// Foundation into the tunnel process for a few `ip` invocations.
struct ChildProcess {
    struct Result {
        /// The exit status, or nil when a signal ended the program.
        let exitStatus: Int32?
        let output: [UInt8]
        let errors: [UInt8]
    }

    /// Fails only when the program cannot be started; returns errno's text.
    static func run(_ path: String, _ arguments: [String], input: String?) -> Swift.Result<Result, ErrnoError> {
        guard let stdout = Pipe(), let stderr = Pipe() else { return .failure(ErrnoError(errno)) }
        defer { stdout.closeBoth(); stderr.closeBoth() }
        let stdin = input.map { _ in Pipe() } ?? nil
        if input != nil, stdin == nil { return .failure(ErrnoError(errno)) }
        defer { stdin?.closeBoth() }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let stdin {
            posix_spawn_file_actions_adddup2(&actions, stdin.readEnd, STDIN_FILENO)
        } else {
            posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, stdout.writeEnd, STDOUT_FILENO)
        posix_spawn_file_actions_adddup2(&actions, stderr.writeEnd, STDERR_FILENO)

        var pid: pid_t = 0
        let status = CStringArray.with([path] + arguments) { argv in
            posix_spawn(&pid, path, &actions, nil, argv, environ)
        }
        guard status == 0 else { return .failure(ErrnoError(status)) }
        stdout.closeWriteEnd()
        stderr.closeWriteEnd()
        if let stdin, let input {
            stdin.closeReadEnd()
            // Rulesets are a few hundred bytes: far below the pipe buffer, so this cannot block.
            WriteAll.bytes(Array(input.utf8), to: stdin.writeEnd)
            stdin.closeWriteEnd()
        }
        let (output, errors) = drain(stdout.readEnd, stderr.readEnd)
        return .success(Result(exitStatus: waitForExit(pid), output: output, errors: errors))
    }

    /// Reads both pipes to their ends at once, so a chatty program cannot block on a full one.
    private static func drain(_ first: Int32, _ second: Int32) -> ([UInt8], [UInt8]) {
        var collected: [[UInt8]] = [[], []]
        var entries = [pollfd(fd: first, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: second, events: Int16(POLLIN), revents: 0)]
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while entries.contains(where: { $0.fd >= 0 }) {
            guard poll(&entries, nfds_t(entries.count), -1) >= 0 else {
                if errno == EINTR { continue }
                break
            }
            for index in entries.indices where entries[index].fd >= 0 && entries[index].revents != 0 {
                let count = chunk.withUnsafeMutableBytes { read(entries[index].fd, $0.baseAddress, $0.count) }
                if count > 0 {
                    collected[index] += chunk[0..<count]
                } else if count == 0 || errno != EINTR {
                    entries[index].fd = -1
                }
            }
        }
        return (collected[0], collected[1])
    }

    private static func waitForExit(_ pid: pid_t) -> Int32? {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { return nil }
        }
        // WIFEXITED / WEXITSTATUS, which the Glibc module does not export.
        return status & 0x7f == 0 ? (status >> 8) & 0xff : nil
    }
}

/// A pipe for one of the child's standard streams: a connected socket pair, because
/// socketpair takes SOCK_CLOEXEC where Glibc's module lacks pipe2. Close-on-exec keeps the
/// ends out of other programs; the child gets its copy through dup2.
private final class Pipe {
    private(set) var readEnd: Int32
    private(set) var writeEnd: Int32

    init?() {
        var ends: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &ends) == 0 else { return nil }
        readEnd = ends[0]
        writeEnd = ends[1]
    }

    func closeReadEnd() {
        if readEnd >= 0 { close(readEnd) }
        readEnd = -1
    }

    func closeWriteEnd() {
        if writeEnd >= 0 { close(writeEnd) }
        writeEnd = -1
    }

    func closeBoth() {
        closeReadEnd()
        closeWriteEnd()
    }
}
