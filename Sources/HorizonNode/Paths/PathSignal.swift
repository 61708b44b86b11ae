import HorizonCore
import HorizonNAT
import HorizonUDP

/// What two nodes tell each other through the broker to check paths: one side's ICE
/// credentials and candidates for the other (a "session"), and which of the other's sessions
/// it has. Sessions are immutable; new candidates (roaming, a new relay) mean a new session.
/// The broker does not store messages, so a side repeats its session until the peer's
/// `seen` names it.
public struct PathSignal: Codable, Hashable, Sendable {
    /// Tells Horizon's path signals from anything else peers may send each other.
    public static let currentType = "horizon.paths.v1"
    public var type = Self.currentType
    /// Random, per (this node, that peer) gathering.
    public var session: String
    public var ufrag: String
    public var password: String
    /// `<kind> <host:port>`, kind one of host, srflx, relay.
    public var candidates: [String]
    /// The peer's session this side checks with, if it has one.
    public var seen: String?

    public init(session: String, credentials: ICECredentials, candidates: [ICECandidate], seen: String?) {
        self.session = session
        ufrag = credentials.ufrag
        password = credentials.password
        self.candidates = candidates.map(Self.text)
        self.seen = seen
    }

    public var credentials: ICECredentials { ICECredentials(ufrag: ufrag, password: password) }

    /// The candidates that parse; unknown kinds and bad addresses are skipped (a newer peer
    /// may send kinds this one does not know).
    public var parsedCandidates: [ICECandidate] {
        candidates.compactMap { text in
            let parts = text.split(separator: " ", maxSplits: 1).map(String.init)
            guard parts.count == 2, let kind = Self.kinds[parts[0]], let endpoint = try? Endpoint.parse(parts[1]),
                  case .address(let ip) = endpoint.host else { return nil }
            return ICECandidate(kind: kind, address: UDPAddress(ip: ip, port: endpoint.port))
        }
    }

    private static let kinds: [String: ICECandidate.Kind] = ["host": .host, "srflx": .serverReflexive, "relay": .relayed]

    private static func text(_ candidate: ICECandidate) -> String {
        let kind = kinds.first { $0.value == candidate.kind }?.key ?? "host"
        return "\(kind) \(candidate.address)"
    }
}
