import Foundation
import Prometheus
import Vapor

/// Carries netmap changes between brokers that share one PostgreSQL store: every local
/// ``NetmapChangeHub/publish()`` becomes a `NOTIFY horizon_netmap`, and a notification from
/// another broker wakes this broker's waiters. When the listening connection was lost and is
/// back, waiters are woken too, because changes made during the gap were not heard.
final class PostgresNetmapRelay: LifecycleHandler, Sendable {
    static let channel = "horizon_netmap"

    private let hub: NetmapChangeHub
    /// Each broker ignores its own notifications: its waiters were already woken.
    private let brokerID: String
    private let listener: PostgresChannel

    init(url: String, hub: NetmapChangeHub, eventLoops: any EventLoopGroup, logger: Logger, metrics: PrometheusCollectorRegistry) throws {
        let brokerID = UUID().uuidString
        let received = metrics.makeCounter(
            name: "horizon_netmap_remote_changes_total", help: "Netmap changes announced by other brokers.")
        listener = try PostgresChannel(
            url: url, name: Self.channel, eventLoops: eventLoops, logger: logger,
            onNotification: { payload in
                guard payload != brokerID else { return }
                received.increment()
                hub.wakeWaiters()
            },
            onReconnect: { hub.wakeWaiters() })
        self.hub = hub
        self.brokerID = brokerID
    }

    /// Listens (returning once the first LISTEN succeeded, or throwing why it did not) and
    /// starts forwarding this broker's changes.
    func start() async throws {
        try await listener.start()
        let (listener, brokerID) = (listener, brokerID)
        hub.forwardPublishes { listener.notify(brokerID) }
    }

    func shutdownAsync(_ application: Application) async { await stop() }

    func stop() async { await listener.stop() }
}
