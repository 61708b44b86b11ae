import Fluent
import NIOCore
import NIOWebSocket
import Prometheus
import Vapor

/// `GET /api/v1/node/signal`: a WebSocket over which nodes pass each other connectivity
/// candidates (or anything else NAT traversal needs) through the broker. A plain Vapor route
/// like the netmap watch (OpenAPI 3.0 cannot describe a WebSocket; openapi.yaml documents it
/// under `x-websockets`); the request passes the same middleware, so the node credential is
/// checked before the upgrade. Only peers in each other's netmaps may signal.
struct SignalingRoute: Sendable {
    static let path: [PathComponent] = ["api", "v1", "node", "signal"]
    static let pingInterval: TimeAmount = .seconds(25)
    static let maxMessageBytes = 8192
    static let maxPayloadBytes = 4096
    static let maxIDLength = 64

    let hub: SignalingHub
    let netmap: NetmapService
    private let sockets: Gauge
    private let sent: Counter
    private let refused: Counter
    private let undeliverable: Counter

    init(hub: SignalingHub, netmap: NetmapService, metrics: PrometheusCollectorRegistry) {
        self.hub = hub
        self.netmap = netmap
        sockets = metrics.makeGauge(name: "horizon_signal_sockets", help: "Open signal WebSockets on this broker.")
        let name = "horizon_signal_messages_total"
        let help = "Signal messages from nodes on this broker, by outcome."
        sent = metrics.makeCounter(name: name, labels: [("outcome", "sent")], help: help)
        refused = metrics.makeCounter(name: name, labels: [("outcome", "refused")], help: help)
        undeliverable = metrics.makeCounter(name: name, labels: [("outcome", "undeliverable")], help: help)
    }

    func register(on routes: any RoutesBuilder) {
        routes.on(.GET, Self.path) { request async throws -> Response in
            let node = try RequestContext.get().requireNode()
            guard node.status == .approved else {
                throw APIError(.forbidden, "node_not_approved", "this \(node.kind.rawValue) is \(node.status.rawValue); only approved nodes signal")
            }
            let db = request.application.db
            // The synchronous upgrade callback runs on the socket's event loop, where handlers
            // must be set, and before any message can arrive; the session then runs as a task.
            return request.webSocket(onUpgrade: { (_: Request, socket: WebSocket) -> Void in
                socket.pingInterval = Self.pingInterval
                let (texts, input) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingOldest(256))
                socket.onText { _, text in input.yield(text) }
                socket.onClose.whenComplete { _ in input.finish() }
                Task { await session(node.nodeID, socket: socket, texts: texts, db: db) }
            })
        }
    }

    /// Relays the node's messages in order until the socket closes; a watcher closes it (1008)
    /// when the node is revoked, suspended or removed.
    private func session(_ nodeID: UUID, socket: WebSocket, texts: AsyncStream<String>, db: any Database) async {
        sockets.increment()
        defer { sockets.decrement() }
        let registration = hub.register(nodeID) { text in socket.send(text) }
        defer { hub.unregister(nodeID, registration) }

        let permissions = SignalPermissions(nodeID: nodeID, netmap: netmap)
        let watcher = Task {
            var revision: UInt64 = 0
            while !Task.isCancelled {
                revision = netmap.changes.revision
                if (try? await permissions.refresh(on: db)) == false {
                    try? await socket.close(code: .policyViolation)
                    return
                }
                _ = await netmap.changes.waitForChange(after: revision, timeout: NetmapService.maxWait)
            }
        }
        defer { watcher.cancel() }
        var limit = SignalRateLimit()
        for await text in texts {
            guard let notice = await relay(text, from: nodeID, permissions: permissions, limit: &limit, socket: socket, db: db) else { continue }
            refused.increment()
            try? await socket.send(SignalCoding.text(notice))
        }
    }

    /// Checks one message and hands it to the hub; returns the refusal to send back, if any.
    private func relay(
        _ text: String, from nodeID: UUID, permissions: SignalPermissions, limit: inout SignalRateLimit,
        socket: WebSocket, db: any Database
    ) async -> SignalNotice? {
        guard text.utf8.count <= Self.maxMessageBytes else {
            return SignalNotice("payload_too_large", "a signal message is at most \(Self.maxMessageBytes) bytes")
        }
        guard let inbound = try? JSONDecoder().decode(InboundSignal.self, from: Data(text.utf8)) else {
            return SignalNotice("invalid_message", #"expected {"to": "<node id>", "payload": {…}, "id": "<optional>"}"#)
        }
        let id = inbound.id
        guard id.map(Self.isValidID) ?? true else {
            return SignalNotice("invalid_message", "id must be 1 to \(Self.maxIDLength) letters, digits, '.', '_', ':' or '-'")
        }
        guard let recipient = UUID(uuidString: inbound.to) else {
            return SignalNotice("invalid_message", "to must be a node id", id: id)
        }
        let to = recipient.uuidString
        guard inbound.payload.isObject else {
            return SignalNotice("invalid_message", "payload must be a JSON object", to: to, id: id)
        }
        guard let encoded = try? SignalCoding.encoder.encode(inbound.payload), encoded.count <= Self.maxPayloadBytes else {
            return SignalNotice("payload_too_large", "payload is at most \(Self.maxPayloadBytes) bytes of JSON", to: to, id: id)
        }
        guard limit.admit(now: .now) else {
            return SignalNotice(
                "rate_limited", "more than \(Int(SignalRateLimit.rate)) messages a second; slow down", to: to, id: id)
        }
        let verdict: SignalPermissions.Verdict
        do {
            verdict = try await permissions.check(recipient, on: db)
        } catch {
            return SignalNotice("internal_error", "the broker could not check this peer; retry", to: to, id: id)
        }
        switch verdict {
        case .allowed:
            break
        case .notAPeer:
            return SignalNotice("not_allowed", "\(to) is not a peer in this node's netmap", to: to, id: id)
        case .ended:
            try? await socket.close(code: .policyViolation)
            return nil
        }
        sent.increment()
        let undeliverable = undeliverable
        hub.send(DeliveredSignal(from: nodeID, payload: inbound.payload, id: id), to: recipient) {
            undeliverable.increment()
            socket.send(SignalCoding.text(SignalNotice(
                "undeliverable", "\(to) has no signal socket open; it was not delivered", to: to, id: id)))
        }
        return nil
    }

    static func isValidID(_ id: String) -> Bool {
        (1...maxIDLength).contains(id.count)
            && id.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._:-".unicodeScalars.contains($0)) }
    }
}
