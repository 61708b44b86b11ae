import Vapor

/// Answers `sendHeartbeat` — the call every node makes every few seconds — for the plain
/// body nodes send (``HeartbeatBodyReader``) straight from the Vapor request, as the last link
/// of the broker's middleware chain: no generated decoder and encoder (`JSONDecoder` alone was
/// about 6% of a heartbeat), and no conversion to and from the generated code's request,
/// body and response types, which cost about as much again. It does what
/// `BrokerAPI.sendHeartbeat` does; any other body, content type or `Accept` goes on to that
/// handler, which gives the same answers with the generated code's checks.
struct HeartbeatMiddleware: AsyncMiddleware {
    /// Where the OpenAPI document puts `sendHeartbeat`.
    static let method = HTTPMethod.POST
    static let path = BufferedVaporTransport.components(of: "/api/v1/node/heartbeat")

    let presence: ServerPresence
    let heartbeatInterval: Int

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard Self.serves(request.route), PlainJSON.accepts(request.headers.first(name: .accept)),
              PlainJSON.isContentType(request.headers.first(name: .contentType)),
              // The body `RequestContextMiddleware` collected, read in place.
              let report = request.body.data?.withUnsafeReadableBytes(HeartbeatBodyReader.read)
        else { return try await next.respond(to: request) }
        let context = try RequestContext.get()
        let node = try context.requireNode()
        try await presence.heartbeat(from: node.nodeID, report, on: context.db)
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "application/json; charset=utf-8")
        return Response(status: .ok, headers: headers, body: .init(string: Self.ack(status: node.status, heartbeatInterval: heartbeatInterval)))
    }

    /// Whether `route` is the one the generated code registered for `sendHeartbeat`.
    static func serves(_ route: Route?) -> Bool {
        guard let route else { return false }
        return route.method == method && route.path == path
    }

    /// The `HeartbeatAck` JSON, as the generated encoder (sorted keys) writes it.
    static func ack(status: Node.Status, heartbeatInterval: Int) -> String {
        #"{"heartbeatInterval":\#(heartbeatInterval),"status":"\#(status.rawValue)"}"#
    }
}
