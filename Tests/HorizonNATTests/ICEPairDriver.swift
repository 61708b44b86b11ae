import HorizonCore
import HorizonNAT
import HorizonUDP

/// Two `ICEChecker`s talking through a `SimulatedNATNetwork` on a manual clock: agent 0
/// controls, agent 1 is controlled; each starts with the other's candidates as signalled.
struct ICEPairDriver {
    var network: SimulatedNATNetwork
    var checkers: [ICEChecker]
    var events: [[ICEEvent]] = [[], []]
    var now = MonotonicTime(nanoseconds: 1_000_000_000_000)
    /// Steps taken, bounded so a checker that never settles fails the test instead of hanging it.
    var steps = 0
    static let maxSteps = 200_000

    init(_ a: NATBehaviour, _ b: NATBehaviour, loss: Double = 0, seed: UInt64 = 1,
         signalled: (Int) -> [ICECandidate.Kind] = { _ in ICECandidate.Kind.allCases }) throws {
        network = SimulatedNATNetwork(a, b, loss: loss, seed: seed)
        let credentials = [ICECredentials(ufrag: "aaaa", password: "password-of-a-0123456789"),
                           ICECredentials(ufrag: "bbbb", password: "password-of-b-0123456789")]
        checkers = []
        for i in 0..<2 {
            let remote = network.candidates(of: 1 - i).filter { signalled(1 - i).contains($0.kind) }
            checkers.append(try ICEChecker(role: i == 0 ? .controlling : .controlled, tieBreaker: seed &* 7 &+ UInt64(i),
                                           local: credentials[i], remote: credentials[1 - i],
                                           localCandidates: network.candidates(of: i), remoteCandidates: remote, now: now))
        }
    }

    /// Signals the candidates of agent `i` that were held back.
    mutating func signalRest(of i: Int) {
        for candidate in network.candidates(of: i) { checkers[1 - i].addRemoteCandidate(candidate, now: now) }
    }

    /// Runs the network and the checkers for `duration` of simulated time.
    mutating func run(for duration: Duration) {
        let end = now + duration
        while steps < Self.maxSteps {
            steps += 1
            for delivery in network.due(at: now) {
                events[delivery.agent] += checkers[delivery.agent].receive(delivery.bytes, from: delivery.source,
                                                                             path: delivery.path, now: now)
            }
            for i in 0..<2 {
                events[i] += checkers[i].poll(now: now)
                for datagram in checkers[i].takeOutgoing() { network.send(datagram, from: i, now: now) }
            }
            let next = ([network.nextArrival] + checkers.map(\.nextDeadline)).compactMap { $0 }.min()
            guard let next, next <= end else { break }
            now = max(now, next)
        }
        now = max(now, end)
    }

    func selected(_ i: Int) -> ICECandidatePair? { checkers[i].selectedPair }
}
