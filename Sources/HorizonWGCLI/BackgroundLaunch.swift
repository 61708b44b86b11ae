import Glibc
import HorizonCore
import HorizonTunnel

/// Daemonises the way wireguard-go does, without fork(2) in a threaded process: starts
/// this executable again (`/proc/self/exe --foreground NAME`) in a new session with a
/// readiness pipe on fd 3, and waits for its report. Like wireguard-go, the background
/// process keeps stdout/stderr only when LOG_LEVEL is set (and not silent); otherwise
/// they go to /dev/null, so `$(horizon-wg wg0)` does not wait for the daemon to end.
enum BackgroundLaunch {
    /// glibc's POSIX_SPAWN_SETSID, which the Glibc module does not export.
    private static let spawnSetSID: Int16 = 0x80

    /// Returns the process's exit status: 0 once the interface is ready.
    static func run(interface: String, keepOutput: Bool) -> Int32 {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { return fail("cannot create a pipe: \(lastError())") }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        defer { close(ends[0]) }

        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0)
        if !keepOutput {
            posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0)
        }
        // dup2 clears close-on-exec on fd 3 only if the source differs from 3.
        let source = ends[1] == 3 ? fcntl(ends[1], F_DUPFD_CLOEXEC, 10) : ends[1]
        posix_spawn_file_actions_adddup2(&actions, source, 3)
        posix_spawnattr_setflags(&attributes, spawnSetSID)

        let arguments = [CommandLine.arguments.first ?? "horizon-wg", "--foreground", interface]
        let environment = environ(adding: "\(ReadinessPipe.environmentKey)=3")
        var pid: pid_t = 0
        let status = CStringArray.with(arguments) { argv in
            CStringArray.with(environment) { envp in posix_spawn(&pid, "/proc/self/exe", &actions, &attributes, argv, envp) }
        }
        close(ends[1])
        if source != ends[1] { close(source) }
        guard status == 0 else { return fail("cannot start the background process: \(String(cString: strerror(status)))") }

        let report = readLine(ends[0]).trimmingWhitespace()
        if report == ReadinessPipe.readyMessage { return 0 }
        var exitStatus: Int32 = 0
        waitpid(pid, &exitStatus, 0)
        return fail(report.isEmpty ? "the background process exited before the interface was ready" : report)
    }

    private static func fail(_ message: String) -> Int32 {
        var bytes = Array("horizon-wg: \(message)\n".utf8)
        _ = write(STDERR_FILENO, &bytes, bytes.count)
        return 1
    }

    /// The report: up to the first newline, or whatever came before the pipe closed.
    private static func readLine(_ descriptor: Int32) -> String {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !data.contains(UInt8(ascii: "\n")) {
            let count = read(descriptor, &buffer, buffer.count)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            data += buffer[..<count]
        }
        return String(decoding: data.prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
    }

    private static func environ(adding entry: String) -> [String] {
        var entries: [String] = []
        var cursor = Glibc.environ
        while let entry = cursor.pointee {
            entries.append(String(cString: entry))
            cursor += 1
        }
        return entries + [entry]
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}
