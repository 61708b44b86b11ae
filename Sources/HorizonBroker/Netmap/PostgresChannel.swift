import FluentPostgresDriver
import Foundation
import Synchronization
import Vapor

/// One PostgreSQL notification channel between brokers that share a store: ``notify(_:)``
/// sends a payload to every broker listening (this one included), and each notification
/// received is handed to `onNotification`. One dedicated connection LISTENs (a LISTEN lives
/// only as long as its session, and pooled sessions come and go) and is opened again a second
/// after it is lost; `onReconnect` runs then, because notifications sent during the gap were
/// not heard. A payload sent while the connection is down is dropped.
/// Netmap changes (``PostgresNetmapRelay``) and signals (``PostgresSignalRelay``) each use one.
final class PostgresChannel: LifecycleHandler, Sendable {
    static let reconnectDelay: Duration = .seconds(1)

    private struct State {
        var connection: PostgresConnection?
        var task: Task<Void, Never>?
        /// Resumed once, by the first attempt to listen, so start-up fails loudly.
        var firstAttempt: CheckedContinuation<Void, any Error>?
    }

    let name: String
    private let configuration: PostgresConnection.Configuration
    private let eventLoops: any EventLoopGroup
    private let logger: Logger
    private let onNotification: @Sendable (String) -> Void
    private let onReconnect: @Sendable () -> Void
    private let state = Mutex(State())

    init(
        url: String, name: String, eventLoops: any EventLoopGroup, logger: Logger,
        onNotification: @escaping @Sendable (String) -> Void, onReconnect: @escaping @Sendable () -> Void = {}
    ) throws {
        configuration = try SQLPostgresConfiguration(url: url).coreConfiguration
        self.name = name
        self.eventLoops = eventLoops
        self.logger = logger
        self.onNotification = onNotification
        self.onReconnect = onReconnect
    }

    /// Returns once the first LISTEN succeeded, or throws why it did not.
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

    /// Sends `payload` (under 8000 bytes, PostgreSQL's limit) on the listening connection.
    func notify(_ payload: String) {
        guard let connection = state.withLock({ $0.connection }) else { return }
        let (channel, logger) = (name, logger)
        Task {
            do {
                _ = try await connection.query("SELECT pg_notify(\(channel), \(payload))", logger: logger)
            } catch {
                logger.warning("cannot notify other brokers on \(channel)", metadata: ["error": "\(String(reflecting: error))"])
            }
        }
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
                try await connection.listen(on: name) { notifications in
                    resolveFirstAttempt(with: nil)
                    if listenedBefore { onReconnect() }
                    listenedBefore = true
                    for try await notification in notifications { onNotification(notification.payload) }
                }
            } catch {
                if Task.isCancelled { break }
                logger.warning("lost the PostgreSQL listener on \(name); reconnecting", metadata: ["error": "\(String(reflecting: error))"])
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
}
