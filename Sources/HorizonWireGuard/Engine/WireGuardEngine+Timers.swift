import HorizonCore

/// Time: the peers' timers, and the work the packet path deferred.
extension WireGuardEngine {
    /// Runs every peer's due timers and deferred work (initiations, keepalives, staged
    /// packets) and returns the datagrams to send.
    public func tick(now: MonotonicTime) -> [OutgoingDatagram] {
        var out: [OutgoingDatagram] = []
        for peer in peers {
            out += peer.state.withLock { tick(peer, &$0, now: now) }
        }
        return out
    }

    /// When `tick` should next run: the earliest timer deadline, or a time already past
    /// when work is waiting. nil when nothing is armed.
    public func nextDeadline() -> MonotonicTime? {
        var earliest: MonotonicTime?
        for peer in peers {
            let deadline = peer.state.withLock { $0.hasServiceRequest ? MonotonicTime.zero : $0.timers.nextDeadline }
            if let deadline, earliest.map({ deadline < $0 }) ?? true { earliest = deadline }
        }
        return earliest
    }

    /// Carries out the timer actions in the order `TimerActions` documents.
    private func tick(_ peer: EnginePeer, _ state: inout PeerState, now: MonotonicTime) -> [OutgoingDatagram] {
        let actions = state.timers.tick(now: now)
        if actions.contains(.dropQueuedPackets), !state.staged.isEmpty {
            let dropped = state.staged.count
            state.staged.removeAll()
            count { $0.stagedDropped += UInt64(dropped) }
        }
        if actions.contains(.zeroKeyMaterial) { endAllSessions(of: peer, &state) }
        if actions.contains(.clearEndpointSource) { state.endpoint?.localAddress = nil; state.endpoint?.localInterface = 0 }
        if actions.contains(.sendKeepalive) { state.wantsKeepalive = true }
        if actions.contains(.sendHandshakeInitiation) { state.wantsInitiation = true }

        var out: [OutgoingDatagram] = []
        if state.wantsFlush || state.wantsKeepalive { out += flush(&state, now: now) }
        if state.wantsInitiation, let initiation = createInitiation(peer, &state, now: now) { out.append(initiation) }
        return out
    }
}
