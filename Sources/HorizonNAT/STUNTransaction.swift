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

    /// Starts the transaction; the caller sends `request` at `now`.
    public init(request: STUNMessage, policy: STUNRetransmission = .rfc8489, now: MonotonicTime) {
        self.request = request.encoded(fingerprint: true)
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
        guard let received = try? STUNReceivedMessage.parse(bytes),
              received.message.transactionID == transactionID, received.message.type.method == method,
              received.message.type.messageClass == .successResponse || received.message.type.messageClass == .errorResponse
        else { return nil }
        return received.message
    }
}
