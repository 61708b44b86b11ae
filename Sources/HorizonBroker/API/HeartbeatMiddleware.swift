import HTTPTypes
import OpenAPIRuntime

/// Answers `sendHeartbeat` — the call every node makes every few seconds — for the plain
/// body nodes send (``HeartbeatBodyReader``) without the generated decoder and encoder
/// (`JSONDecoder` alone was about 6% of a heartbeat). It runs after ``AuthenticationGate``
/// and does what `BrokerAPI.sendHeartbeat` does; any other body, content type or `Accept` goes on to
/// that handler, which gives the same answers with the generated code's checks.
struct HeartbeatMiddleware: ServerMiddleware {
    let presence: ServerPresence
    let heartbeatInterval: Int

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        guard operationID == Operations.SendHeartbeat.id, PlainJSON.accepts(request.headerFields[.accept]),
              PlainJSON.isContentType(request.headerFields[.contentType])
        else { return try await next(request, body, metadata) }
        let context = try RequestContext.get()
        // The body `RequestContextMiddleware` collected, read in place.
        guard let report = context.request.body.data?.withUnsafeReadableBytes(HeartbeatBodyReader.read)
        else { return try await next(request, body, metadata) }
        let node = try context.requireNode()
        try await presence.heartbeat(from: node.nodeID, report, on: context.db)
        var response = HTTPResponse(status: .ok)
        response.headerFields[.contentType] = "application/json; charset=utf-8"
        return (response, HTTPBody(Self.ack(status: node.status, heartbeatInterval: heartbeatInterval)))
    }

    /// The `HeartbeatAck` JSON, as the generated encoder (sorted keys) writes it.
    static func ack(status: Node.Status, heartbeatInterval: Int) -> String {
        #"{"heartbeatInterval":\#(heartbeatInterval),"status":"\#(status.rawValue)"}"#
    }
}
