import Fluent
import NIOCore
import Synchronization

/// One handle on the default database per event loop, made on first use and then shared by
/// every request of that loop. Vapor's `request.db` builds a new handle on each access
/// (configuration lookup, driver wrapper, a logger copy) — about 5% of a heartbeat's time —
/// and a handle holds no request state: each query or transaction takes its own pooled
/// connection.
final class EventLoopDatabases: Sendable {
    private let databases: Databases
    private let logger: Logger
    private let handles = Mutex<[ObjectIdentifier: any Database]>([:])

    init(_ databases: Databases, logger: Logger) {
        self.databases = databases
        self.logger = logger
    }

    func database(on eventLoop: any EventLoop) -> any Database {
        let key = ObjectIdentifier(eventLoop)
        if let handle = handles.withLock({ $0[key] }) { return handle }
        guard let handle = databases.database(logger: logger, on: eventLoop) else {
            preconditionFailure("the broker configures its default database before it serves")
        }
        handles.withLock { $0[key] = handle }
        return handle
    }
}
