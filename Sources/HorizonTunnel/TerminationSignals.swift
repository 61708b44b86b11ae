import Glibc

/// SIGINT and SIGTERM turned into something a thread can wait for. The handler only
/// writes the signal's number to a pipe (async-signal-safe); whichever thread the kernel
/// interrupts, the waiting thread reads it. SIGPIPE is ignored: a client that hangs up on
/// the UAPI socket must not end the process.
public enum TerminationSignals {
    nonisolated(unsafe) private static var pipeEnds: (read: Int32, write: Int32) = (-1, -1)

    /// Installs the handlers; call it once, early, before waiting.
    public static func install() {
        guard pipeEnds.read < 0 else { return }
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { fatalError("pipe failed: errno \(errno)") }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        pipeEnds = (ends[0], ends[1])
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { signal in
            var number = UInt8(truncatingIfNeeded: signal)
            _ = write(TerminationSignals.pipeEnds.write, &number, 1)
        }
        action.sa_flags = SA_RESTART
        sigemptyset(&action.sa_mask)
        sigaction(SIGINT, &action, nil)
        sigaction(SIGTERM, &action, nil)
        signal(SIGPIPE, SIG_IGN)
    }

    /// Blocks until SIGINT or SIGTERM arrives and returns its number.
    public static func wait() -> Int32 {
        precondition(pipeEnds.read >= 0, "TerminationSignals.install() was not called")
        var number: UInt8 = 0
        while true {
            let count = read(pipeEnds.read, &number, 1)
            if count == 1 { return Int32(number) }
            precondition(count < 0 && errno == EINTR, "the signal pipe failed: errno \(errno)")
        }
    }
}
