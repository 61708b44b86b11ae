import Foundation
import Synchronization

/// Hands signals to the nodes that have a signal socket open on this broker and, through
/// ``forwardEnvelopes(to:)``, to the other brokers sharing the store. Nothing is stored: a
/// signal for a node with no open socket anywhere is reported back as undeliverable — at
/// once when this broker is alone, otherwise when no broker acknowledged delivery within
/// ``acknowledgementTimeout``.
final class SignalingHub: Sendable {
    typealias Sink = @Sendable (String) -> Void

    private struct State {
        /// Open sockets, by node and registration.
        var sockets: [UUID: [UUID: Sink]] = [:]
        /// Signals sent to other brokers and not yet acknowledged, with what to do if none does.
        var unacknowledged: [UUID: @Sendable () -> Void] = [:]
    }

    /// Names this broker in envelopes, so only it waits for its acknowledgements.
    let brokerID = UUID()
    let acknowledgementTimeout: Duration
    private let state = Mutex(State())
    private let forward = Mutex<(@Sendable (SignalEnvelope) -> Void)?>(nil)

    init(acknowledgementTimeout: Duration = .seconds(1)) {
        self.acknowledgementTimeout = acknowledgementTimeout
    }

    /// Starts delivering to `sink` the signals for `nodeID`; returns the registration to end.
    func register(_ nodeID: UUID, sink: @escaping Sink) -> UUID {
        let registration = UUID()
        state.withLock { $0.sockets[nodeID, default: [:]][registration] = sink }
        return registration
    }

    func unregister(_ nodeID: UUID, _ registration: UUID) {
        state.withLock { state in
            state.sockets[nodeID]?[registration] = nil
            if state.sockets[nodeID]?.isEmpty == true { state.sockets[nodeID] = nil }
        }
    }

    /// How many signal sockets `nodeID` has open on this broker.
    func openSockets(of nodeID: UUID) -> Int {
        state.withLock { $0.sockets[nodeID]?.count ?? 0 }
    }

    /// Sends every signal no local socket takes to `announce` as well (to other brokers).
    func forwardEnvelopes(to announce: @escaping @Sendable (SignalEnvelope) -> Void) {
        forward.withLock { $0 = announce }
    }

    /// Delivers `signal` to every open socket of `recipient`, here or on another broker;
    /// calls `undeliverable` if there is none.
    func send(_ signal: DeliveredSignal, to recipient: UUID, undeliverable: @escaping @Sendable () -> Void) {
        if deliverLocally(signal, to: recipient) { return }
        guard let announce = forward.withLock({ $0 }) else { return undeliverable() }
        let ticket = UUID()
        state.withLock { $0.unacknowledged[ticket] = undeliverable }
        announce(SignalEnvelope(kind: .message, origin: brokerID, ticket: ticket, signal: signal, to: recipient))
        let timeout = acknowledgementTimeout
        Task { [weak self] in
            try? await Task.sleep(for: timeout)
            self?.state.withLock { $0.unacknowledged.removeValue(forKey: ticket) }?()
        }
    }

    /// An envelope from another broker: a signal to deliver here (and acknowledge), or the
    /// acknowledgement of one this broker sent.
    func receive(_ envelope: SignalEnvelope) {
        switch envelope.kind {
        case .message:
            guard envelope.origin != brokerID, let signal = envelope.signal, let recipient = envelope.to,
                  deliverLocally(signal, to: recipient) else { return }
            forward.withLock { $0 }?(SignalEnvelope(kind: .delivered, origin: envelope.origin, ticket: envelope.ticket))
        case .delivered:
            guard envelope.origin == brokerID else { return }
            _ = state.withLock { $0.unacknowledged.removeValue(forKey: envelope.ticket) }
        }
    }

    private func deliverLocally(_ signal: DeliveredSignal, to recipient: UUID) -> Bool {
        let sinks = state.withLock { Array(($0.sockets[recipient] ?? [:]).values) }
        guard !sinks.isEmpty else { return false }
        let text = SignalCoding.text(signal)
        for sink in sinks { sink(text) }
        return true
    }
}
