/// Why a handshake message was refused. The caller drops the message and counts the reason;
/// nothing here is fatal to the peer.
public enum HandshakeFailure: Error, Equatable, Sendable, CustomStringConvertible {
    /// A Diffie-Hellman result was all zeros: some public key involved has low order.
    case lowOrderKey
    /// The initiator's static key did not decrypt: not meant for us, or corrupted.
    case undecryptableStatic
    /// The initiation came from a different static key than this peer's.
    case wrongPeer
    /// The timestamp did not decrypt: wrong static-static secret or corrupted.
    case undecryptableTimestamp
    /// The timestamp is not newer than the last accepted one from this peer: a replay.
    case replayedTimestamp
    /// The initiation came sooner after the last accepted one than the protocol allows.
    case initiationFlood
    /// A response that answers no initiation we have pending.
    case unexpectedResponse
    /// The response's empty payload did not verify: wrong keys (e.g. preshared key) or corrupted.
    case undecryptableResponse

    public var description: String {
        switch self {
        case .lowOrderKey: "a public key has low order (Diffie-Hellman result is zero)"
        case .undecryptableStatic: "initiation does not decrypt with our static key"
        case .wrongPeer: "initiation is from a different peer"
        case .undecryptableTimestamp: "initiation timestamp does not decrypt"
        case .replayedTimestamp: "initiation timestamp is not newer than the last one (replay)"
        case .initiationFlood: "initiations arrive faster than the protocol allows"
        case .unexpectedResponse: "response matches no pending initiation"
        case .undecryptableResponse: "response does not verify (keys or preshared key differ)"
        }
    }
}
