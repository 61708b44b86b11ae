import HorizonCore

extension ICEChecker {
    /// Makes pair `index` the one WireGuard uses: the latest nomination wins (the
    /// controlling side only nominates a better pair than the selected one).
    mutating func select(_ index: Int, now: MonotonicTime) -> [ICEEvent] {
        guard selectedIndex != index else { return [] }
        selectedIndex = index
        // Its consent period starts now, and a check at once confirms it: the pair may have
        // last answered long ago (chosen after the other side's nomination).
        pairs[index].lastSuccess = now
        nextKeepalive = now
        return [.selected(pairs[index])]
    }

    /// Of the pairs that work, the one to use: direct over relayed, then the shorter round
    /// trip, then the higher priority.
    func bestWorkingPair() -> Int? {
        let controlling = role == .controlling
        return pairs.indices.filter { pairs[$0].state == .succeeded }.min { a, b in
            let (x, y) = (pairs[a], pairs[b])
            if x.isDirect != y.isDirect { return x.isDirect }
            if let rx = x.rtt, let ry = y.rtt, rx != ry { return rx < ry }
            return x.priority(controlling: controlling) > y.priority(controlling: controlling)
        }
    }

    /// The controlling side nominates the best working pair once the nomination delay
    /// after the first success is over (or nothing is left to check), and again when a
    /// direct pair works while a relayed one is selected.
    mutating func nominateIfDue(now: MonotonicTime) -> [ICEEvent] {
        guard role == .controlling, let best = bestWorkingPair(), !checks.contains(where: \.nominating) else { return [] }
        if let selected = selectedIndex {
            guard !pairs[selected].isDirect, pairs[best].isDirect else { return [] }
        } else {
            let settled = !pairs.contains { $0.state == .waiting || $0.state == .inProgress }
            guard settled || now >= (firstSuccess ?? now) + timing.nominationDelay else { return [] }
        }
        startCheck(on: best, nominating: true, now: now)
        return []
    }

    /// Keepalive checks on the selected pair; without an answer for `consentTimeout`
    /// the pair is dropped and the next best working pair, if any, takes over.
    mutating func checkConsent(now: MonotonicTime) -> [ICEEvent] {
        guard let selected = selectedIndex else { return [] }
        if let last = pairs[selected].lastSuccess, now >= last + timing.consentTimeout {
            pairs[selected].state = .failed
            pairs[selected].nominated = false
            selectedIndex = nil
            nextKeepalive = nil
            var events: [ICEEvent] = [.consentLost(pairs[selected])]
            if role == .controlled, let next = pairs.indices.first(where: { pairs[$0].nominated && pairs[$0].state == .succeeded }) {
                events += select(next, now: now)
            }
            return events
        }
        if let due = nextKeepalive, now >= due {
            nextKeepalive = now + timing.keepalive
            startCheck(on: selected, nominating: false, now: now)
        }
        return []
    }
}
