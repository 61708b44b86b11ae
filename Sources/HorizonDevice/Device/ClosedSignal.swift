#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A one-shot event any number of threads can wait for: a pipe whose write end is closed
/// when it fires, which every waiter sees as hang-up.
final class ClosedSignal: @unchecked Sendable {
    private let readEnd: Int32
    private let writeEnd: Mutex<Int32>

    init() {
        var fds: [Int32] = [-1, -1]
        precondition(pipe(&fds) == 0, "pipe failed: \(errno)")
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        readEnd = fds[0]
        writeEnd = Mutex(fds[1])
    }

    deinit {
        fire()
        Glibc.close(readEnd)
    }

    func fire() {
        writeEnd.withLock { fd in
            guard fd >= 0 else { return }
            Glibc.close(fd)
            fd = -1
        }
    }

    func wait() {
        var entry = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
        while poll(&entry, 1, -1) < 0 && errno == EINTR {}
    }
}
