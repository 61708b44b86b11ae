import Fluent
import NIOCore
import NIOWebSocket
import Prometheus
import Vapor

/// `GET /api/v1/node/netmap/watch`: the netmap over a WebSocket, sent on connect and on every
/// change. A plain Vapor route because OpenAPI 3.0 cannot describe a WebSocket; openapi.yaml
/// describes it under `x-websockets` and the route test allows exactly the routes listed there.
/// The request passes the same middleware as every operation, so the node credential is
/// checked before the upgrade.
struct NetmapWatchRoute: Sendable {
    static let path: [PathComponent] = ["api", "v1", "node", "netmap", "watch"]
    static let pingInterval: TimeAmount = .seconds(25)

    let netmap: NetmapService
    let json: NetmapJSON
    let watchers: Gauge

    init(netmap: NetmapService, json: NetmapJSON, metrics: PrometheusCollectorRegistry) {
        self.netmap = netmap
        self.json = json
        watchers = metrics.makeGauge(name: "horizon_netmap_watchers", help: "Open netmap WebSockets on this broker.")
    }

    func register(on routes: any RoutesBuilder) {
        routes.on(.GET, Self.path) { request async throws -> Response in
            let node = try RequestContext.get().requireNode()
            let db = request.application.db
            return request.webSocket { _, socket in
                await watch(node.nodeID, socket: socket, db: db, logger: request.logger)
            }
        }
    }

    /// Sends the map whenever its version changes, until the socket closes or the node is
    /// revoked or removed (then closes with 1008).
    private func watch(_ nodeID: UUID, socket: WebSocket, db: any Database, logger: Logger) async {
        socket.pingInterval = Self.pingInterval
        watchers.increment()
        defer { watchers.decrement() }
        let task = Task { () -> WebSocketErrorCode? in
            var sent: String?
            while !Task.isCancelled {
                do {
                    guard let map = try await netmap.next(for: nodeID, since: sent, wait: NetmapService.maxWait, on: db) else { continue }
                    guard map.node.status != .revoked else { return WebSocketErrorCode.policyViolation }
                    try await socket.send(raw: try json.encode(map), opcode: .text)
                    sent = map.version
                } catch let error as APIError where error.status == .notFound {
                    return .policyViolation
                } catch {
                    if Task.isCancelled || socket.isClosed { break }
                    logger.warning("netmap watch failed", metadata: ["error": "\(String(reflecting: error))"])
                    return .unexpectedServerError
                }
            }
            return nil
        }
        socket.onClose.whenComplete { _ in task.cancel() }
        if let code = await task.value { try? await socket.close(code: code) }
    }
}
