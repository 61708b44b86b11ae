import NIOCore
import NIOHTTP1
import Synchronization

/// Connections NIO accepted that the accept loop has not taken (yet). An `NIOAsyncChannel`
/// must end in `executeThenClose`: one dropped unused traps the whole process. That happens
/// to any client that connects while the server stops — the loop no longer takes it — or
/// whose connection NIO is still initializing then (a liveness probe, a CLI call).
final class UntakenConnections: Sendable {
    typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    private let connections = Mutex<[ObjectIdentifier: Connection]>([:])

    /// Called by the child channel initializer, before the connection reaches the loop.
    func add(_ connection: Connection) {
        connections.withLock { $0[ObjectIdentifier(connection.channel)] = connection }
    }

    /// Called by the accept loop: from here on, the loop's task closes it.
    func take(_ connection: Connection) {
        _ = connections.withLock { $0.removeValue(forKey: ObjectIdentifier(connection.channel)) }
    }

    /// Closes what the loop never took. Call once the listener is closed: the empty task on
    /// `eventLoop` (the listener's and its connections') runs after the initializers of the
    /// last connections it accepted, so none is added after this.
    func closeAll(after eventLoop: EventLoop) async {
        try? await eventLoop.submit {}.get()
        let untaken = connections.withLock { all in
            defer { all.removeAll() }
            return Array(all.values)
        }
        for connection in untaken {
            try? await connection.executeThenClose { _, _ in }
        }
    }
}
