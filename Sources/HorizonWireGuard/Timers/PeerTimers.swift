import HorizonCore

/// The timers of one WireGuard peer (paper §6), sans-IO. The caller reports what happened
/// and when; the timers answer with `TimerActions`, and `nextDeadline` says when to call
/// `tick(now:)` again. Nothing here reads a clock, sleeps or allocates.
///
/// What to report:
/// - sent a handshake initiation (even if the send failed): `handshakeInitiated` and
///   `authenticatedPacketSent`; sent a handshake response: `authenticatedPacketSent`;
/// - derived session keys (initiator on the response, responder when answering):
///   `sessionDerived(isInitiator:)`;
/// - the handshake is confirmed (initiator: response received; responder: first transport
///   packet under the new keys): `handshakeCompleted`;
/// - any authenticated packet, handshake or transport: `authenticatedPacketSent`/`Received`,
///   plus `dataSent`/`dataReceived` when a transport packet carried data (not a keepalive);
/// - data is queued and there is no usable session: `sessionNeeded`.
///
/// Not generic over the jitter source: a generic type used from another module runs
/// unspecialised, and these events run per packet. Jitter is drawn rarely, so the
/// existential call costs nothing that matters.
public struct PeerTimers: Sendable {
    private typealias Constants = ProtocolConstants

    /// Initiations in one attempt before it gives up: REKEY_ATTEMPT_TIME / REKEY_TIMEOUT.
    public static var maxInitiationsPerAttempt: Int {
        Int(Constants.rekeyAttemptTime.totalNanoseconds / Constants.rekeyTimeout.totalNanoseconds)
    }

    private struct Session {
        var derivedAt: MonotonicTime
        var isInitiator: Bool
    }

    private var jitter: any JitterSource

    // Deadlines of the five timers; nil while a timer is not armed.
    private var retransmitHandshakeAt: MonotonicTime?
    private var sendKeepaliveAt: MonotonicTime?
    private var newHandshakeAt: MonotonicTime?
    private var zeroKeyMaterialAt: MonotonicTime?
    private var persistentKeepaliveAt: MonotonicTime?

    private var initiationsThisAttempt = 0
    private var lastInitiationAt: MonotonicTime?
    private var session: Session?
    private var sentLastMinuteHandshake = false
    public private(set) var persistentKeepaliveInterval: Duration?

    public init(jitter: any JitterSource = SystemJitter()) {
        self.jitter = jitter
    }

    // MARK: Events

    /// A transport packet carrying data left with counter `sendCounter`.
    public mutating func dataSent(at now: MonotonicTime, sendCounter: UInt64) -> TimerActions {
        if newHandshakeAt == nil {
            newHandshakeAt = now + Constants.keepaliveTimeout + Constants.rekeyTimeout + nextJitter()
        }
        return keepKeyFreshAfterSending(at: now, sendCounter: sendCounter)
    }

    /// A transport packet carrying data arrived and authenticated. More data while a
    /// keepalive is pending does not postpone it: that one keepalive answers all of it.
    public mutating func dataReceived(at now: MonotonicTime) -> TimerActions {
        if sendKeepaliveAt == nil {
            sendKeepaliveAt = now + Constants.keepaliveTimeout
        }
        return keepKeyFreshAfterReceiving(at: now)
    }

    public mutating func authenticatedPacketSent(at now: MonotonicTime) {
        // Anything we send tells the peer we are alive: no passive keepalive needed.
        sendKeepaliveAt = nil
        packetTraversed(at: now)
    }

    public mutating func authenticatedPacketReceived(at now: MonotonicTime) {
        // The peer answered: no reason to suspect the session.
        newHandshakeAt = nil
        packetTraversed(at: now)
    }

    public mutating func handshakeInitiated(at now: MonotonicTime) {
        lastInitiationAt = now
        initiationsThisAttempt += 1
        retransmitHandshakeAt = now + Constants.rekeyTimeout + nextJitter()
    }

    public mutating func handshakeCompleted() {
        retransmitHandshakeAt = nil
        initiationsThisAttempt = 0
        sentLastMinuteHandshake = false
    }

    public mutating func sessionDerived(at now: MonotonicTime, isInitiator: Bool) {
        session = Session(derivedAt: now, isInitiator: isInitiator)
        zeroKeyMaterialAt = now + Constants.rejectAfterTime * 3
    }

    /// Data waits for a session that does not exist (or expired).
    public mutating func sessionNeeded(at now: MonotonicTime) -> TimerActions {
        initiateHandshake(at: now)
    }

    /// nil or zero turns persistent keepalive off. Turning it on asks for a keepalive at
    /// once, so a NAT mapping toward the peer opens without waiting a whole interval.
    public mutating func setPersistentKeepalive(_ interval: Duration?) -> TimerActions {
        let wasOff = persistentKeepaliveInterval == nil
        persistentKeepaliveInterval = interval.flatMap { $0 > .zero ? $0 : nil }
        guard persistentKeepaliveInterval != nil else {
            persistentKeepaliveAt = nil
            return []
        }
        return wasOff ? .sendKeepalive : []
    }

    // MARK: Time

    /// Fires every timer whose deadline is at or before `now`.
    public mutating func tick(now: MonotonicTime) -> TimerActions {
        var actions: TimerActions = []
        if Self.expire(&retransmitHandshakeAt, now) { actions.formUnion(retransmitHandshakeExpired(at: now)) }
        if Self.expire(&sendKeepaliveAt, now) { actions.formUnion(sendKeepaliveExpired()) }
        if Self.expire(&newHandshakeAt, now) { actions.formUnion(newHandshakeExpired(at: now)) }
        if Self.expire(&zeroKeyMaterialAt, now) { actions.formUnion(zeroKeyMaterialExpired()) }
        if Self.expire(&persistentKeepaliveAt, now) { actions.formUnion(persistentKeepaliveExpired()) }
        return actions
    }

    /// The earliest armed deadline, or nil when no timer is armed.
    public var nextDeadline: MonotonicTime? {
        let handshakes = Self.earlier(retransmitHandshakeAt, newHandshakeAt)
        let keepalives = Self.earlier(sendKeepaliveAt, persistentKeepaliveAt)
        return Self.earlier(Self.earlier(handshakes, keepalives), zeroKeyMaterialAt)
    }

    // MARK: Expirations, one per timer

    /// No response to our initiation within REKEY_TIMEOUT: try again, or give up once the
    /// attempt has used its REKEY_ATTEMPT_TIME.
    private mutating func retransmitHandshakeExpired(at now: MonotonicTime) -> TimerActions {
        guard initiationsThisAttempt < Self.maxInitiationsPerAttempt else {
            sendKeepaliveAt = nil
            // Erase what a half-done exchange may have left, unless that is already due.
            if zeroKeyMaterialAt == nil {
                zeroKeyMaterialAt = now + Constants.rejectAfterTime * 3
            }
            return .dropQueuedPackets
        }
        return [.clearEndpointSource, .sendHandshakeInitiation]
    }

    /// We received data and sent nothing back for KEEPALIVE_TIMEOUT.
    private func sendKeepaliveExpired() -> TimerActions {
        .sendKeepalive
    }

    /// We sent data and heard nothing back for KEEPALIVE_TIMEOUT + REKEY_TIMEOUT.
    private mutating func newHandshakeExpired(at now: MonotonicTime) -> TimerActions {
        initiateHandshake(at: now).union(.clearEndpointSource)
    }

    /// REJECT_AFTER_TIME × 3 since the last session: nothing of it may be used any more.
    private mutating func zeroKeyMaterialExpired() -> TimerActions {
        session = nil
        return .zeroKeyMaterial
    }

    /// The path was silent for the persistent keepalive interval.
    private func persistentKeepaliveExpired() -> TimerActions {
        persistentKeepaliveInterval == nil ? [] : .sendKeepalive
    }

    // MARK: Helpers

    /// The initiator rekeys an old session when sending; either side when the counter is
    /// near exhaustion.
    private mutating func keepKeyFreshAfterSending(at now: MonotonicTime, sendCounter: UInt64) -> TimerActions {
        guard let session else { return [] }
        let tooOld = session.isInitiator && now.since(session.derivedAt) >= Constants.rekeyAfterTime
        guard tooOld || sendCounter >= Constants.rekeyAfterMessages else { return [] }
        return initiateHandshake(at: now)
    }

    /// An initiator that only receives would otherwise never rekey before the session
    /// expires; it gets one last chance, once per session.
    private mutating func keepKeyFreshAfterReceiving(at now: MonotonicTime) -> TimerActions {
        let lastMinute = Constants.rejectAfterTime - Constants.keepaliveTimeout - Constants.rekeyTimeout
        guard let session, session.isInitiator, !sentLastMinuteHandshake,
              now.since(session.derivedAt) >= lastMinute
        else { return [] }
        sentLastMinuteHandshake = true
        return initiateHandshake(at: now)
    }

    /// A new attempt (not a retransmission) restarts the attempt count; an initiation is
    /// asked for unless one went out less than REKEY_TIMEOUT ago.
    private mutating func initiateHandshake(at now: MonotonicTime) -> TimerActions {
        initiationsThisAttempt = 0
        if let last = lastInitiationAt, now.since(last) < Constants.rekeyTimeout { return [] }
        return .sendHandshakeInitiation
    }

    private mutating func packetTraversed(at now: MonotonicTime) {
        if let interval = persistentKeepaliveInterval {
            persistentKeepaliveAt = now + interval
        }
    }

    private mutating func nextJitter() -> Duration {
        jitter.jitter(below: Constants.rekeyTimeoutJitterMax)
    }

    private static func earlier(_ a: MonotonicTime?, _ b: MonotonicTime?) -> MonotonicTime? {
        guard let a, let b else { return a ?? b }
        return min(a, b)
    }

    private static func expire(_ deadline: inout MonotonicTime?, _ now: MonotonicTime) -> Bool {
        guard let due = deadline, due <= now else { return false }
        deadline = nil
        return true
    }
}
