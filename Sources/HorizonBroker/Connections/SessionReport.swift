import Foundation

/// One report from a node about its WireGuard session with a peer, already validated.
struct SessionReport: Sendable {
    enum Event: String, Sendable {
        case up, update, down
    }

    var peerPublicKey: String
    var event: Event
    /// Cumulative bytes the reporting node received and sent in the session, if given.
    var rxBytes: Int64?
    var txBytes: Int64?
    var endpoint: String?

    /// The counters as the device sees them: a server's received bytes are the device's sent bytes.
    func deviceCounters(reporter: Node.Kind) -> (rx: Int64?, tx: Int64?) {
        reporter == .device ? (rxBytes, txBytes) : (txBytes, rxBytes)
    }
}
