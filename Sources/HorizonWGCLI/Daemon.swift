import HorizonCore
import HorizonTunnel

/// The interface's life in the (foreground or background) process: create it and its
/// socket, report readiness, wait for SIGTERM/SIGINT or the interface's deletion, clean up.
struct Daemon {
    let name: InterfaceName
    let log: WireGuardGoLog
    let readiness: ReadinessPipe?

    /// wireguard-go's default; wg-quick sets the real MTU afterwards.
    static let mtu = 1420

    func run() -> Int32 {
        TerminationSignals.install()
        log.verbose("Starting horizon-wg version \(HorizonVersion.current)")
        let host: InterfaceHost
        do {
            host = try InterfaceHost(name: name, mtu: Self.mtu, log: log.uapiLog)
        } catch {
            log.error(error.description)
            readiness?.reportFailure(error.description)
            return 1
        }
        log.verbose("Device started")
        readiness?.reportReady()

        switch host.waitForShutdown() {
        case .signal(let number): log.verbose("Received signal \(number), shutting down")
        case .interfaceDeleted: log.verbose("Interface \(name) was deleted, shutting down")
        }
        host.close()
        log.verbose("Shutting down")
        return 0
    }
}
