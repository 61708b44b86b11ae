import HorizonCore

/// A local and a remote candidate, checked together (RFC 8445 §6.1.2).
public struct ICECandidatePair: Hashable, Sendable, CustomStringConvertible {
    public enum State: Hashable, Sendable {
        case waiting
        case inProgress
        case succeeded
        case failed
    }

    public var local: ICECandidate
    public var remote: ICECandidate
    public var state: State = .waiting
    /// From the first send of the last successful check to its response.
    public var rtt: Duration?
    /// The controlling side asked for this pair (USE-CANDIDATE); it is selected once its check succeeds.
    public var nominated = false
    /// When a check on this pair last succeeded (consent freshness, RFC 7675).
    public var lastSuccess: MonotonicTime?

    public init(local: ICECandidate, remote: ICECandidate) {
        self.local = local
        self.remote = remote
    }

    /// Neither end is a relay: the path WireGuard should prefer.
    public var isDirect: Bool { local.kind != .relayed && remote.kind != .relayed }

    /// 2^32·min(G, D) + 2·max(G, D) + (G > D ? 1 : 0), G the controlling side's candidate
    /// priority (RFC 8445 §6.1.2.3), so both sides order pairs alike.
    public func priority(controlling: Bool) -> UInt64 {
        let g = UInt64(controlling ? local.priority : remote.priority)
        let d = UInt64(controlling ? remote.priority : local.priority)
        return (min(g, d) << 32) + 2 * max(g, d) + (g > d ? 1 : 0)
    }

    public var description: String { "\(local) -> \(remote)" }
}
