import HorizonCore

extension TURNServer {
    /// Why a request was refused, and what the answer carries so the client can retry.
    struct Refusal: Error {
        var error: STUNErrorCode
        var attributes: [STUNAttribute]
    }

    /// Long-term credentials (RFC 8489 §9.2.4): no MESSAGE-INTEGRITY or USERNAME → 401 with
    /// REALM and NONCE; an unknown or lapsed nonce → 438 with a fresh one; an unknown user, a
    /// foreign realm or an integrity that does not verify → 401. The user's key otherwise.
    mutating func authenticate(_ received: STUNReceivedMessage, now: MonotonicTime) -> Result<STUNIntegrityKey, Refusal> {
        let message = received.message
        let challenge: [STUNAttribute] = [.realm(configuration.realm), .nonce(nonces.issue(now: now))]
        guard received.integrity != nil, let username = message.username else {
            return .failure(Refusal(error: .unauthenticated(), attributes: challenge))
        }
        guard let nonce = message.nonce, message.realm == configuration.realm else {
            return .failure(Refusal(error: .badRequest("REALM or NONCE missing"), attributes: []))
        }
        guard let key = keys[username], received.verifyIntegrity(key: key) else {
            return .failure(Refusal(error: .unauthenticated(), attributes: challenge))
        }
        guard nonces.isValid(nonce, now: now) else {
            return .failure(Refusal(error: .staleNonce(), attributes: challenge))
        }
        return .success(key)
    }
}
