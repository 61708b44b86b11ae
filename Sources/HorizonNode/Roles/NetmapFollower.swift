import HorizonBrokerClient

/// Keeps a node's netmap current: long-polls the broker, saves every new map to the state
/// directory (so the node runs on it while the broker is away, also after a restart) and hands
/// it to the role; on failure it reports, waits with backoff and tries again, until cancelled
/// or until the broker says the node is revoked.
struct NetmapFollower: Sendable {
    static let longPollSeconds = 25

    let link: BrokerLink
    let state: NodeStateDirectory

    /// What the follower tells its role.
    enum Event: Sendable {
        case map(Netmap)
        /// A call succeeded (or failed): the broker's reachability as the node sees it.
        case reachable(Bool, BrokerFailure?)
    }

    /// One netmap call; a new map is saved before it is returned (nil: still `since`).
    func fetch(since: String? = nil, wait: Int = 0) async throws(BrokerFailure) -> Netmap? {
        let map = try await link.netmap(since: since, wait: wait)
        if let map { try? state.save(map, as: .netmap) }
        return map
    }

    /// Runs until cancelled or revoked (a refusal with code `node_revoked`, which it reports
    /// as `.reachable(true, failure)` and returns).
    func run(from version: String?, _ deliver: @Sendable (Event) async -> Void) async {
        var since = version
        var backoff = Backoff()
        while !Task.isCancelled {
            do throws(BrokerFailure) {
                let map = try await fetch(since: since, wait: Self.longPollSeconds)
                backoff.reset()
                await deliver(.reachable(true, nil))
                if let map {
                    since = map.version
                    await deliver(.map(map))
                }
            } catch {
                let refusal = if case .refused = error { true } else { false }
                await deliver(.reachable(refusal, error))
                if error.code == "node_revoked" { return }
                try? await Task.sleep(for: backoff.delay())
            }
        }
    }
}
