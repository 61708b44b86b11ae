import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// The daemon's local control API: HTTP/1.1 with JSON bodies on a Unix socket
/// (`/run/horizon/horizon.sock` by default), which only root — or members of the `horizon`
/// group, when that group exists — may open. The CLI talks to the daemon through it.
public enum LocalAPIServer {
    public static let defaultSocketPath = "/run/horizon/horizon.sock"
    /// Requests are small commands; anything larger is a mistake or an attack.
    static let maxBodyBytes = 1 << 20

    public typealias Handler = @Sendable (LocalRequest) async -> LocalResponse

    /// Binds `socketPath` and serves `handler` until the calling task is cancelled; then
    /// closes the socket and removes its file. `ready` runs once the socket accepts.
    public static func serve(
        socketPath: String, handler: @escaping Handler, ready: @Sendable () -> Void = {}
    ) async throws(LocalAPIError) {
        try LocalSocketFile.prepare(socketPath)
        // One event loop for the listener and its connections, so that `closeAll(after:)` can
        // wait for the connection initializers still queued when the listener closes.
        let eventLoop = MultiThreadedEventLoopGroup.singleton.next()
        let untaken = UntakenConnections()
        let server: NIOAsyncChannel<UntakenConnections.Connection, Never>
        do {
            server = try await ServerBootstrap(group: eventLoop)
                .bind(unixDomainSocketPath: socketPath) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                        let connection = try UntakenConnections.Connection(wrappingChannelSynchronously: channel)
                        untaken.add(connection)
                        return connection
                    }
                }
        } catch {
            throw LocalAPIError("cannot listen on \(socketPath): \(error) — is another daemon using it? pass --socket PATH")
        }
        defer { try? FileManager.default.removeItem(atPath: socketPath) }
        do {
            try LocalSocketFile.restrict(socketPath)
            ready()
            try await acceptConnections(server, untaken: untaken, handler: handler)
        } catch is CancellationError {
            return
        } catch let error as LocalAPIError {
            throw error
        } catch {
            if Task.isCancelled { return }
            throw LocalAPIError("the local API on \(socketPath) stopped: \(error)")
        }
    }

    /// Serves every connection the loop takes until the listener closes (the task is cancelled),
    /// then closes those it did not take.
    private static func acceptConnections(
        _ server: NIOAsyncChannel<UntakenConnections.Connection, Never>, untaken: UntakenConnections, handler: @escaping Handler
    ) async throws {
        do {
            try await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { connections in
                    for try await connection in connections {
                        untaken.take(connection)
                        group.addTask { await serveConnection(connection, handler: handler) }
                    }
                }
            }
        } catch {
            await untaken.closeAll(after: server.channel.eventLoop)
            throw error
        }
        await untaken.closeAll(after: server.channel.eventLoop)
    }

    /// Answers the requests of one connection in order; a broken connection just ends.
    private static func serveConnection(
        _ connection: UntakenConnections.Connection, handler: Handler
    ) async {
        try? await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            var body = ByteBuffer()
            for try await part in inbound {
                switch part {
                case .head(let requestHead):
                    head = requestHead
                    body.clear()
                case .body(var chunk):
                    guard body.readableBytes + chunk.readableBytes <= maxBodyBytes else {
                        try await write(.error(413, "the request body is larger than \(maxBodyBytes) bytes"), version: head?.version, to: outbound)
                        return
                    }
                    body.writeBuffer(&chunk)
                case .end:
                    guard let requestHead = head else { continue }
                    let request = LocalRequest(
                        method: requestHead.method.rawValue, uri: requestHead.uri, body: Data(body.readableBytesView))
                    try await write(await handler(request), version: requestHead.version, to: outbound)
                    head = nil
                }
            }
        }
    }

    private static func write(
        _ response: LocalResponse, version: HTTPVersion?, to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    ) async throws {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Content-Length", value: String(response.body.count))
        let head = HTTPResponseHead(version: version ?? .http1_1, status: .init(statusCode: response.status), headers: headers)
        try await outbound.write(.head(head))
        try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: response.body))))
        try await outbound.write(.end(nil))
    }
}

public struct LocalAPIError: Error, Equatable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) { self.description = description }
}
