import HorizonCore
import HorizonNAT
import HorizonUDP

/// Everything `PeerPaths` keeps for one peer: our current session for it (credentials and
/// candidates), the peer's latest session, the checker running between the two and the path
/// in use.
struct PeerLink {
    /// One side's immutable offer; a new one on every (re)gathering.
    struct Session {
        var id: String
        var credentials: ICECredentials
        var candidates: [ICECandidate]
    }

    var peer: PathPeer
    var local: Session?
    var remote: PathSignal?
    var checker: ICEChecker?
    var path = PeerPath.connecting
    /// The peer confirmed it has our current session (its `seen` names it).
    var acknowledged = false
    var nextSignal = MonotonicTime.zero
    var signalBackoff = Duration.seconds(1)

    init(peer: PathPeer) {
        self.peer = peer
    }

    /// The peer's signalled candidates and the endpoints it announced to the broker (as
    /// server-reflexive: addresses someone outside saw it at).
    var remoteCandidates: [ICECandidate] {
        var candidates = remote?.parsedCandidates ?? []
        for text in peer.endpoints {
            guard let endpoint = try? Endpoint.parse(text), case .address(let ip) = endpoint.host else { continue }
            let address = UDPAddress(ip: ip, port: endpoint.port)
            if !candidates.contains(where: { $0.address == address }) {
                candidates.append(ICECandidate(kind: .serverReflexive, address: address))
            }
        }
        return candidates
    }
}
