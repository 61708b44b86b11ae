import Foundation
import Vapor

/// Carries signals between brokers sharing one PostgreSQL store: the hub's envelopes travel
/// as JSON notifications on `horizon_signal` (a signal's payload is at most 4096 bytes, so an
/// envelope stays well under NOTIFY's 8000). Every broker hears every envelope; the hub keeps
/// those meant for it. On SQLite there is one broker and nothing to relay.
enum PostgresSignalRelay {
    static let channel = "horizon_signal"

    static func start(url: String, hub: SignalingHub, on app: Application) async throws {
        let logger = app.logger
        let channel = try PostgresChannel(
            url: url, name: Self.channel, eventLoops: app.eventLoopGroup, logger: logger,
            onNotification: { payload in
                guard let envelope = try? JSONDecoder().decode(SignalEnvelope.self, from: Data(payload.utf8)) else {
                    return logger.warning("ignoring a malformed notification on \(Self.channel)")
                }
                hub.receive(envelope)
            })
        try await channel.start()
        app.lifecycle.use(channel)
        hub.forwardEnvelopes { envelope in channel.notify(SignalCoding.text(envelope)) }
    }
}
