#if canImport(Glibc)
import Glibc
#endif
import HorizonDevice
import Synchronization

/// A WireGuard interface as `horizon tunnel` and `horizon-wg` run it: the device and its
/// UAPI socket, started and stopped together.
public final class InterfaceHost: @unchecked Sendable {
    public let device: Device
    public let uapi: UAPIServer

    /// Refuses a name that is already an interface: opening it would attach to (or fail
    /// on) something this process does not own.
    public init(name: InterfaceName, mtu: Int, uapiDirectory: String = UAPIServer.defaultDirectory,
                log: UAPIServer.Log = UAPIServer.Log()) throws(TunnelError) {
        guard if_nametoindex(name.description) == 0 else {
            throw TunnelError("interface \(name) already exists — pick another name or delete it (ip link del \(name))")
        }
        let device: Device
        do {
            device = try Device(options: DeviceOptions(interfaceName: name.description, mtu: mtu))
        } catch {
            throw TunnelError("cannot create interface \(name): \(error)")
        }
        do {
            uapi = try UAPIServer(device: device, interfaceName: name.description, directory: uapiDirectory, log: log)
        } catch {
            device.close()
            throw TunnelError("cannot serve the UAPI for \(name): \(error)")
        }
        self.device = device
    }

    /// Blocks until SIGINT/SIGTERM (see `TerminationSignals.install`) or until the
    /// interface is deleted, whichever comes first.
    public func waitForShutdown() -> ShutdownReason {
        let first = FirstReason()
        DeviceThread.start(name: "signal-wait") { first.record(.signal(TerminationSignals.wait())) }
        DeviceThread.start(name: "link-wait") { [device] in
            if device.waitUntilClosed() == .interfaceDeleted { first.record(.interfaceDeleted) }
        }
        return first.wait()
    }

    /// Removes the UAPI socket, then closes the device (which deletes the interface).
    public func close() {
        uapi.close()
        device.close()
    }
}

/// The first of several threads to report wins; the waiter gets that report.
private final class FirstReason: @unchecked Sendable {
    private let reason = Mutex<ShutdownReason?>(nil)
    private let reported = UnsafeMutablePointer<sem_t>.allocate(capacity: 1)

    init() { sem_init(reported, 0, 0) }

    deinit {
        sem_destroy(reported)
        reported.deallocate()
    }

    func record(_ candidate: ShutdownReason) {
        let isFirst = reason.withLock { reason in
            guard reason == nil else { return false }
            reason = candidate
            return true
        }
        if isFirst { sem_post(reported) }
    }

    func wait() -> ShutdownReason {
        while sem_wait(reported) != 0 {}
        return reason.withLock { $0! }
    }
}
