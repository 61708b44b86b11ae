import AsyncHTTPClient
import NIOHTTP1
import Foundation
import NIOCore

/// The CLI's side of the local API: sends one request to the daemon's socket.
public struct LocalAPIClient: Sendable {
    public typealias Method = HTTPMethod

    public let socketPath: String
    public var timeout: TimeAmount

    public init(socketPath: String = LocalAPIServer.defaultSocketPath, timeout: TimeAmount = .seconds(60)) {
        self.socketPath = socketPath
        self.timeout = timeout
    }

    /// Sends `method path` with an optional JSON body; failures to reach the daemon at all
    /// become one line saying what to do.
    public func send(_ method: HTTPMethod, _ path: String, body: Data? = nil) async throws(LocalAPIError) -> LocalResponse {
        guard FileManager.default.fileExists(atPath: socketPath) else {
            throw LocalAPIError("the horizon daemon is not running (no socket at \(socketPath)) — start it with `horizon daemon`")
        }
        guard access(socketPath, R_OK | W_OK) == 0 else {
            throw LocalAPIError("permission denied on \(socketPath) — run as root (or join the horizon group)")
        }
        guard let url = URL(httpURLWithSocketPath: socketPath, uri: path) else {
            throw LocalAPIError("cannot address \(path) on \(socketPath)")
        }
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = method
        // One connection per request: `HTTPClient.shared` would otherwise keep it idle in its
        // pool and, after the daemon restarts on the same path, send the next request down the
        // dead daemon's closed connection. A Unix socket connect costs next to nothing.
        request.headers.add(name: "Connection", value: "close")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: timeout)
            let bytes = try await response.body.collect(upTo: LocalAPIServer.maxBodyBytes)
            return LocalResponse(status: Int(response.status.code), body: Data(bytes.readableBytesView))
        } catch {
            throw LocalAPIError("cannot talk to the horizon daemon on \(socketPath): \(error)")
        }
    }
}
