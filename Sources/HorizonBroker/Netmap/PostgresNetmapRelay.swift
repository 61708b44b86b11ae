import Foundation
import FluentPostgresDriver
import Prometheus
import Synchronization
import Vapor

/// Carries netmap changes between brokers that share one PostgreSQL store: every local
/// ``NetmapChangeHub/publish()`` becomes a `NOTIFY horizon_netmap`, and a notification from
/// another broker wakes this broker's waiters. One dedicated connection LISTENs (pooled
/// connections come and go, and a LISTEN lives only as long as its session); it is opened
/// again a second after it is lost, and waiters are woken then, because changes made during
/// the gap were not heard.
final class PostgresNetmapRelay: LifecycleHandler, Sendable {
    static let channel = "horizon_netmap"
    static let reconnectDelay: Duration = .seconds(1)

    private struct State {
        var connection: PostgresConnection?
        var task: Task<Void, Never>?
        /// Resumed once, by the first attempt to listen, so start-up fails loudly.
        var firstAttempt: CheckedContinuation<Void, any Error>?
    }

    /// Each broker ignores its own notifications: its waiters were already woken.
    private let brokerID = UUID().uuidString
    private let configuration: PostgresConnection.Configuration
    private let hub: NetmapChangeHub
    private let eventLoops: any EventLoopGroup
    private let logger: Logger
    private let received: Counter
    private let state = Mutex(State())

    init(url: String, hub: NetmapChangeHub, eventLoops: any EventLoopGroup, logger: Logger, metrics: PrometheusCollectorRegistry) throws {
        configuration = try SQLPostgresConfiguration(url: url).coreConfiguration
        self.hub = hub
        self.eventLoops = eventLoops
        self.logger = logger
        received = metrics.makeCounter(
            name: "horizon_netmap_remote_changes_total", help: "Netmap changes announced by other brokers.")
    }

    /// Listens (returning once the first LISTEN succeeded, or throwing why it did not) and
    /// starts forwarding this broker's changes.
    func start() async throws {
        do {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                state.withLock { state in
                    state.firstAttempt = continuation
                    state.task = Task { await self.listenUntilStopped() }
                }
            }
        } catch {
            await stop()
            throw error
        }
        hub.forwardPublishes { [weak self] in self?.announce() }
    }

    func shutdownAsync(_ application: Application) async { await stop() }

    func stop() async {
        let (task, connection) = state.withLock { state in
            defer { state.task = nil; state.connection = nil }
            return (state.task, state.connection)
        }
        task?.cancel()
        try? await connection?.close()
        await task?.value
    }

    private func listenUntilStopped() async {
        var listenedBefore = false
        while !Task.isCancelled {
            do {
                let connection = try await PostgresConnection.connect(
                    on: eventLoops.any(), configuration: configuration, id: 1, logger: logger
                ).get()
                guard state.withLock({ state in
                    state.connection = connection
                    return state.task != nil
                }) else {
                    try? await connection.close()
                    return
                }
                try await connection.listen(on: Self.channel) { notifications in
                    resolveFirstAttempt(with: nil)
                    if listenedBefore { hub.wakeWaiters() }
                    listenedBefore = true
                    for try await notification in notifications where notification.payload != brokerID {
                        received.increment()
                        hub.wakeWaiters()
                    }
                }
            } catch {
                if Task.isCancelled { break }
                logger.warning("netmap change relay lost its PostgreSQL listener; reconnecting", metadata: ["error": "\(String(reflecting: error))"])
                resolveFirstAttempt(with: error)
            }
            try? await Task.sleep(for: Self.reconnectDelay)
        }
        resolveFirstAttempt(with: CancellationError())
    }

    private func resolveFirstAttempt(with error: (any Error)?) {
        guard let continuation = state.withLock({ state in
            defer { state.firstAttempt = nil }
            return state.firstAttempt
        }) else { return }
        if let error { continuation.resume(throwing: error) } else { continuation.resume() }
    }

    /// Sends the notification on the listening connection. A change made while it is down is
    /// not announced: other brokers' nodes see it when their current wait ends (at most 60 s).
    private func announce() {
        guard let connection = state.withLock({ $0.connection }) else { return }
        let payload = brokerID
        let logger = logger
        Task {
            do {
                _ = try await connection.query("SELECT pg_notify(\(Self.channel), \(payload))", logger: logger)
            } catch {
                logger.warning("cannot announce a netmap change to other brokers", metadata: ["error": "\(String(reflecting: error))"])
            }
        }
    }
}
