import HorizonCore
import HorizonUDP

/// ICE-style connectivity checks (RFC 8445, one component, UDP), sans-IO: the caller feeds
/// received datagrams and the time, sends what `takeOutgoing` returns on the path it names
/// (the WireGuard socket or the TURN allocation), and moves WireGuard to the pair each
/// `.selected` event names.
///
/// Both sides check at once (simultaneous open): a check received on a pair not yet
/// succeeded triggers a check back at once, which is what opens both NATs' bindings.
/// The controlling side nominates the best pair that works (direct over relayed, then the
/// shorter round trip) a short delay after the first success, and nominates again if a
/// direct pair starts working while a relayed one is selected: the session moves from the
/// relay to the direct path without being dropped. The selected pair is kept alive and its
/// consent checked every `keepalive` (RFC 7675).
public struct ICEChecker: Sendable {
    public enum Role: Hashable, Sendable {
        case controlling
        case controlled
    }

    public struct Timing: Hashable, Sendable {
        /// Ta: one new check per this interval (RFC 8445 §14.2's default 50 ms).
        public var pacing: Duration = .milliseconds(50)
        /// Per-check retransmissions: sends at 0, 0.25, 0.75, 1.75, 3.75 s, failure at 4.75 s.
        public var retransmission = STUNRetransmission(initialRTO: .milliseconds(250), requestCount: 5, lastWaitMultiplier: 4)
        /// While no direct pair works, failed pairs are checked again this often (a NAT
        /// binding or a lost check may have kept them from working).
        public var failedPairRetry: Duration = .seconds(10)
        /// How long the controlling side waits after the first success for better pairs.
        public var nominationDelay: Duration = .milliseconds(500)
        /// Consent freshness: a check on the selected pair this often ...
        public var keepalive: Duration = .seconds(15)
        /// ... and the pair is dropped after this long without an answer.
        public var consentTimeout: Duration = .seconds(30)

        public init() {}
    }

    struct Check: Sendable {
        var pair: Int
        var transaction: STUNTransaction
        var sentAt: MonotonicTime
        var nominating: Bool
    }

    public internal(set) var role: Role
    public let tieBreaker: UInt64
    public let localCredentials: ICECredentials
    public let remoteCredentials: ICECredentials
    public let timing: Timing
    public private(set) var localCandidates: [ICECandidate]
    public internal(set) var remoteCandidates: [ICECandidate] = []
    public internal(set) var pairs: [ICECandidatePair] = []
    /// Pair index of the pair WireGuard uses.
    public internal(set) var selectedIndex: Int?
    var triggered: [Int] = []
    var checks: [Check] = []
    var nextCheck: MonotonicTime
    var firstSuccess: MonotonicTime?
    var nextKeepalive: MonotonicTime?
    var nextRetry: MonotonicTime
    var reportedFailure = false
    var outgoing: [ICEDatagram] = []
    let localKey: STUNIntegrityKey
    let remoteKey: STUNIntegrityKey

    /// - Parameters:
    ///   - localCandidates: host candidates (the WireGuard socket's addresses) and the
    ///     relayed one; server-reflexive ones may be listed too, though checks leave from
    ///     their base, the host candidate (RFC 8445 §6.1.2.4).
    public init(role: Role, tieBreaker: UInt64, local: ICECredentials, remote: ICECredentials,
                localCandidates: [ICECandidate], remoteCandidates: [ICECandidate] = [], timing: Timing = Timing(),
                now: MonotonicTime) throws(STUNCredentialError) {
        self.role = role
        self.tieBreaker = tieBreaker
        localCredentials = local
        remoteCredentials = remote
        self.timing = timing
        self.localCandidates = localCandidates
        localKey = try .shortTerm(password: local.password)
        remoteKey = try .shortTerm(password: remote.password)
        nextCheck = now
        nextRetry = now + timing.failedPairRetry
        for candidate in remoteCandidates { addRemoteCandidate(candidate, now: now) }
    }

    public var selectedPair: ICECandidatePair? { selectedIndex.map { pairs[$0] } }

    /// Adds a candidate the peer signalled (also later, as it gathers them) and its pairs.
    /// One already learnt as peer-reflexive takes the signalled kind and priority
    /// (RFC 8445 §7.3.1.3), and gets the pairs it lacks.
    public mutating func addRemoteCandidate(_ candidate: ICECandidate, now: MonotonicTime) {
        if let known = remoteCandidates.firstIndex(where: { $0.address == candidate.address }) {
            guard remoteCandidates[known].kind == .peerReflexive else { return }
            remoteCandidates[known] = candidate
            for i in pairs.indices where pairs[i].remote.address == candidate.address { pairs[i].remote = candidate }
        } else {
            remoteCandidates.append(candidate)
        }
        for local in localCandidates where local.kind == .host || local.kind == .relayed {
            guard local.address.ip.isIPv4 == candidate.address.ip.isIPv4,
                  pairIndex(path: local.path, remote: candidate.address) == nil else { continue }
            pairs.append(ICECandidatePair(local: local, remote: candidate))
        }
        reportedFailure = false
    }

    /// The datagrams to send, oldest first; the queue is emptied.
    public mutating func takeOutgoing() -> [ICEDatagram] {
        defer { outgoing.removeAll() }
        return outgoing
    }

    /// When `poll` has something to do next.
    public var nextDeadline: MonotonicTime? {
        var deadlines = checks.map(\.transaction.deadline)
        if !triggered.isEmpty || pairs.contains(where: { $0.state == .waiting }) { deadlines.append(nextCheck) }
        if role == .controlling, selectedIndex == nil, let firstSuccess, !checks.contains(where: \.nominating),
           bestWorkingPair() != nil {
            deadlines.append(firstSuccess + timing.nominationDelay)
        }
        if let nextKeepalive { deadlines.append(nextKeepalive) }
        if selectedPair?.isDirect != true, pairs.contains(where: { $0.state == .failed }) { deadlines.append(nextRetry) }
        if let selected = selectedPair, let last = selected.lastSuccess { deadlines.append(last + timing.consentTimeout) }
        return deadlines.min()
    }

    /// Retransmits and times out checks, starts the next one, nominates and keeps the
    /// selected pair alive, as due at `now`.
    public mutating func poll(now: MonotonicTime) -> [ICEEvent] {
        var events: [ICEEvent] = []
        var i = 0
        while i < checks.count {
            switch checks[i].transaction.step(now: now) {
            case .wait:
                i += 1
            case .retransmit:
                send(checks[i].transaction.request, on: checks[i].pair)
                i += 1
            case .timedOut:
                let check = checks.remove(at: i)
                if pairs[check.pair].state == .inProgress { pairs[check.pair].state = .failed }
            }
        }
        if now >= nextRetry {
            nextRetry = now + timing.failedPairRetry
            if selectedPair?.isDirect != true {
                for i in pairs.indices where pairs[i].state == .failed { pairs[i].state = .waiting }
            }
        }
        if now >= nextCheck, let next = nextPairToCheck() {
            startCheck(on: next, nominating: false, now: now)
            nextCheck = now + timing.pacing
        }
        events += checkConsent(now: now)
        events += nominateIfDue(now: now)
        if !reportedFailure, !pairs.isEmpty, selectedIndex == nil, checks.isEmpty, triggered.isEmpty,
           pairs.allSatisfy({ $0.state == .failed }) {
            reportedFailure = true
            events.append(.failed)
        }
        return events
    }

    private mutating func nextPairToCheck() -> Int? {
        if !triggered.isEmpty { return triggered.removeFirst() }
        let controlling = role == .controlling
        return pairs.indices.filter { pairs[$0].state == .waiting }
            .max { pairs[$0].priority(controlling: controlling) < pairs[$1].priority(controlling: controlling) }
    }

    /// Sends a Binding request on pair `index` (RFC 8445 §7.2.2): USERNAME
    /// "remote:local", PRIORITY of the peer-reflexive candidate it may create, our role
    /// with the tie-breaker, USE-CANDIDATE when nominating; MESSAGE-INTEGRITY with the
    /// peer's password and FINGERPRINT.
    mutating func startCheck(on index: Int, nominating: Bool, now: MonotonicTime) {
        checks.removeAll { $0.pair == index && !$0.nominating }
        let local = pairs[index].local
        let priority = ICECandidate.priority(kind: local.kind == .relayed ? .relayed : .peerReflexive, localPreference: 65535)
        var attributes: [STUNAttribute] = [
            .username(remoteCredentials.ufrag + ":" + localCredentials.ufrag), .priority(priority),
            role == .controlling ? .iceControlling(tieBreaker: tieBreaker) : .iceControlled(tieBreaker: tieBreaker),
        ]
        if nominating { attributes.append(.useCandidate) }
        let transaction = STUNTransaction(request: STUNMessage(type: .bindingRequest, attributes: attributes),
                                          integrity: remoteKey, policy: timing.retransmission, now: now)
        checks.append(Check(pair: index, transaction: transaction, sentAt: now, nominating: nominating))
        if pairs[index].state != .succeeded { pairs[index].state = .inProgress }
        send(transaction.request, on: index)
    }

    mutating func send(_ bytes: [UInt8], on pair: Int) {
        outgoing.append(ICEDatagram(bytes: bytes, path: pairs[pair].local.path, destination: pairs[pair].remote.address))
    }

    /// The pair of the local candidate on `path` (of the family of `remote`) and `remote`.
    func pairIndex(path: ICEPath, remote: UDPAddress) -> Int? {
        pairs.firstIndex { $0.local.path == path && $0.remote.address == remote }
    }
}
