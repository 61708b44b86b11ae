#if canImport(Glibc)
import Glibc
#endif
import HorizonTunnel

// The process `horizon tunnel --config FILE` becomes (it execs this binary, keeping its PID):
// the same messages and exit statuses, without the node agent's libraries in memory.
guard let arguments = TunnelArguments(Array(CommandLine.arguments.dropFirst())) else {
    StandardStreams.error(TunnelArguments.usage)
    exit(64)
}
// execv keeps the signal mask of the thread that called it, and `horizon tunnel` calls it
// from a libdispatch worker, which blocks SIGINT, SIGTERM, SIGHUP and more: start from none
// blocked, as a process started from a shell does (threads started later inherit this).
var noSignals = sigset_t()
sigemptyset(&noSignals)
pthread_sigmask(SIG_SETMASK, &noSignals, nil)
TerminationSignals.install()

/// What ArgumentParser does with an error thrown by a command: "Error: ..." and status 1.
func fail(_ message: String) -> Never {
    StandardStreams.error("Error: \(message)")
    exit(1)
}

let tunnel: Tunnel
do {
    tunnel = try Tunnel(configPath: arguments.config, interfaceName: arguments.interface) { message in
        StandardStreams.error("warning: \(message)")
    }
} catch {
    fail(error.description)
}
for warning in tunnel.warnings { StandardStreams.error("warning: \(warning)") }
StandardStreams.write(tunnel.statusLine)

let reason = tunnel.waitForShutdown()
for line in tunnel.lanCounterLines { StandardStreams.write(line) }
let failures = tunnel.stop(interfaceDeleted: reason == .interfaceDeleted)
for failure in failures { StandardStreams.error("warning: could not undo: \(failure)") }
if reason == .interfaceDeleted {
    fail("interface \(tunnel.interfaceName) was deleted; tunnel stopped")
}
guard failures.isEmpty else { exit(1) }
StandardStreams.write("\(tunnel.interfaceName) down")
