import Glibc

/// How the background process tells the command that started it whether the interface
/// came up: one line on an inherited pipe, `ready` or the error, then the pipe closes.
/// The starting command exits with that outcome, so `horizon-wg wg0 && wg set wg0 ...`
/// only proceeds once the interface and its socket exist.
struct ReadinessPipe {
    static let environmentKey = "HORIZON_WG_READY_FD"
    static let readyMessage = "ready"

    private let descriptor: Int32

    /// The pipe this process was started with, if any; the variable is removed so
    /// nothing this process starts inherits it.
    static func inherited() -> ReadinessPipe? {
        guard let text = getenv(environmentKey).map({ String(cString: $0) }), let fd = Int32(text), fd > 2 else {
            return nil
        }
        unsetenv(environmentKey)
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        return ReadinessPipe(descriptor: fd)
    }

    func reportReady() { report(Self.readyMessage) }

    func reportFailure(_ message: String) { report(message) }

    private func report(_ message: String) {
        var bytes = Array((message + "\n").utf8)
        _ = write(descriptor, &bytes, bytes.count)
        close(descriptor)
    }
}
