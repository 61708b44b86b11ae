/// Where `PeerPaths` enumerates interfaces and opens its relay sockets: the process's own
/// network namespace in production; a test's namespace when a test runs several nodes in
/// one process (addresses and sockets belong to the namespace of the thread that asks).
public protocol PathNetworkContext: Sendable {
    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) throws -> T
}

/// The calling thread's own namespace.
public struct CurrentNetworkContext: PathNetworkContext {
    public init() {}

    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) throws -> T { try body() }
}
