import HorizonCore

/// One outstanding STUN request, sans-IO: it says what to send and when, and recognises
/// its response; the caller owns the socket and the clock.
public struct STUNTransaction: Sendable {
    public enum Step: Equatable, Sendable {
        /// Nothing to do before `deadline`.
        case wait
        /// Send `request` again now.
        case retransmit
        /// No answer after the last wait: give up.
        case timedOut
    }

    public let request: [UInt8]
    public let transactionID: STUNTransactionID
    public let method: STUNMethod
    public let policy: STUNRetransmission
    public private(set) var sends = 1
    /// When the next retransmission or the failure is due.
    public private(set) var deadline: MonotonicTime

    /// Starts the transaction; the caller sends `request` at `now`. With `integrity` the
    /// request carries MESSAGE-INTEGRITY (TURN's long-term and ICE's short-term credentials).
    public init(request: STUNMessage, integrity: STUNIntegrityKey? = nil, policy: STUNRetransmission = .rfc8489,
                now: MonotonicTime) {
        self.request = request.encoded(integrity: integrity, fingerprint: true)
        transactionID = request.transactionID
        method = request.type.method
        self.policy = policy
        deadline = now + policy.wait(afterSend: 1)
    }

    /// What is due at `now`.
    public mutating func step(now: MonotonicTime) -> Step {
        guard now >= deadline else { return .wait }
        guard sends < policy.requestCount else { return .timedOut }
        sends += 1
        deadline = now + policy.wait(afterSend: sends)
        return .retransmit
    }

    /// The response in `bytes` if it answers this request; nil for anything else (other
    /// transactions, stray traffic), which the caller keeps waiting past.
    public func response(in bytes: [UInt8]) -> STUNMessage? {
        guard let received = try? STUNReceivedMessage.parse(bytes) else { return nil }
        return answers(received) ? received.message : nil
    }

    /// Whether `received` is a response to this request.
    public func answers(_ received: STUNReceivedMessage) -> Bool {
        let type = received.message.type
        return received.message.transactionID == transactionID && type.method == method
            && (type.messageClass == .successResponse || type.messageClass == .errorResponse)
    }
}
