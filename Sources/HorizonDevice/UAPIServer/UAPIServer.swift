#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// The cross-platform WireGuard UAPI for one device on `/var/run/wireguard/<if>.sock`, so
/// `wg show`, `wg set`, `wg setconf` and wg-quick configure a Horizon interface as they do
/// wireguard-go. Clients are served concurrently, one thread each (they are rare and
/// short-lived: a `wg` invocation is one connection); the device serialises changes.
public final class UAPIServer: @unchecked Sendable {
    public static let defaultDirectory = "/var/run/wireguard"

    /// Where the server reports what it does; wireguard-go's "verbose" and "error" levels.
    public struct Log: Sendable {
        public var verbose: @Sendable (String) -> Void
        public var error: @Sendable (String) -> Void

        public init(verbose: @escaping @Sendable (String) -> Void = { _ in },
                    error: @escaping @Sendable (String) -> Void = { _ in }) {
            self.verbose = verbose
            self.error = error
        }
    }

    public var socketPath: String { listener.path }

    private let listener: UAPIListeningSocket
    private let device: Device
    private let log: Log
    /// Open client sockets; nil once closed.
    private let clients = Mutex<Set<Int32>?>([])
    private let threads = ThreadGroup()

    /// Opens the socket and starts accepting clients.
    public init(device: Device, interfaceName: String, directory: String = UAPIServer.defaultDirectory,
                log: Log = Log()) throws(UAPIServerError) {
        self.device = device
        self.log = log
        listener = try UAPIListeningSocket(directory: directory, interfaceName: interfaceName)
        startThread(name: "uapi-accept") { [self] in acceptLoop() }
        log.verbose("UAPI listener started on \(listener.path)")
    }

    /// Stops accepting, hangs up on clients, waits for their threads, removes the socket.
    /// Safe to call more than once.
    public func close() {
        let open: Set<Int32>? = clients.withLock { clients in
            defer { clients = nil }
            return clients
        }
        guard let open else { return }
        listener.shutdown()
        for client in open { shutdown(client, Int32(SHUT_RDWR)) }
        threads.wait()
        listener.close()
    }

    private func acceptLoop() {
        while let client = listener.accept() {
            let admitted = clients.withLock { clients in
                clients?.insert(client) != nil
            }
            guard admitted else {
                Glibc.close(client)
                return
            }
            startThread(name: "uapi-client") { [self] in
                UAPIConnection(descriptor: client, device: device, log: log).serve()
                clients.withLock { _ = $0?.remove(client) }
                Glibc.close(client)
            }
        }
    }

    private func startThread(name: String, _ body: @escaping @Sendable () -> Void) {
        threads.start(name: name, body)
    }
}
