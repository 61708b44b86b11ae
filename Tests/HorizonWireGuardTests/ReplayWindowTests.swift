import HorizonWireGuard
import Testing
import HorizonTestKit

@Suite struct ReplayWindowTests {
    let window = ReplayWindow.windowSize

    @Test func windowIsAtLeast2048Counters() {
        #expect(ReplayWindow.windowSize >= 2048)
    }

    @Test func acceptsCountersInOrderOnce() {
        var w = ReplayWindow()
        for c: UInt64 in 0..<10_000 {
            #expect(w.check(c))
            #expect(w.commit(c) == true)
            #expect(!w.check(c))
            #expect(w.commit(c) == false)
        }
    }

    @Test func checkAloneDoesNotMarkTheCounter() {
        var w = ReplayWindow()
        #expect(w.check(5))
        #expect(w.check(5))
        #expect(w.commit(5) == true)
        #expect(!w.check(5))
    }

    @Test func acceptsReorderedCountersInsideTheWindow() {
        var w = ReplayWindow()
        #expect(w.commit(100) == true)
        for c: UInt64 in (0..<100).reversed() { #expect(w.commit(c) == true, "counter \(c)") }
        for c: UInt64 in 0...100 { #expect(!w.check(c), "counter \(c)") }
        #expect(w.commit(101) == true)
    }

    @Test func windowEdgeIsExact() {
        var w = ReplayWindow()
        let top = window + 500
        #expect(w.commit(top) == true)
        // The newest counter and the windowSize - 1 before it are inside; one more is not.
        #expect(w.check(top - (window - 1)))
        #expect(!w.check(top - window))
        #expect(w.commit(top - window) == false)
        #expect(w.commit(top - (window - 1)) == true)
    }

    @Test func windowEdgeHoldsAtEveryOffsetWithinAWord() {
        for offset: UInt64 in 0..<64 {
            var w = ReplayWindow()
            let top = 4 * window + offset
            #expect(w.commit(top) == true)
            #expect(w.check(top - window + 1), "offset \(offset)")
            #expect(!w.check(top - window), "offset \(offset)")
        }
    }

    @Test func bigJumpForgetsEverythingBehindTheWindow() {
        var w = ReplayWindow()
        for c: UInt64 in 0..<300 { #expect(w.commit(c) == true) }
        let far: UInt64 = 1_000_000_000_000
        #expect(w.commit(far) == true)
        #expect(!w.check(299))
        #expect(!w.check(far))
        // Counters just behind the jump were never seen; stale bits of the ring must not
        // make them look seen.
        for c in (far - window + 1)..<far { #expect(w.check(c), "counter \(c)") }
    }

    @Test func jumpOfLessThanTheRingClearsOnlyWhatLeavesTheWindow() {
        var w = ReplayWindow()
        for c: UInt64 in 0..<window { #expect(w.commit(c) == true) }
        let top = window + window / 2
        #expect(w.commit(top) == true)
        for c in 0...(top - window) { #expect(!w.check(c), "counter \(c) is too old") }
        for c in (top - window + 1)..<window { #expect(!w.check(c), "counter \(c) was seen") }
        for c in window..<top { #expect(w.check(c), "counter \(c) was not seen") }
    }

    @Test func rejectsCountersAtTheMessageLimit() {
        var w = ReplayWindow()
        let limit = ProtocolConstants.rejectAfterMessages
        #expect(!w.check(limit))
        #expect(w.commit(limit) == false)
        #expect(!w.check(UInt64.max))
        #expect(w.commit(limit - 1) == true)
        #expect(w.commit(limit - 1) == false)
        #expect(w.commit(limit - 2) == true)
    }

    @Test func firstCounterMayBeAnywhere() {
        var w = ReplayWindow()
        #expect(w.commit(12_345) == true)
        #expect(w.check(12_345 - window + 1))
        #expect(!w.check(12_345 - window))
    }

    /// Random streams of counters, compared after every step with a model that remembers
    /// every accepted counter in a Set. Each stream mixes in-order traffic, reordering,
    /// duplicates, stale counters and jumps of every size.
    @Test(arguments: 0..<24)
    func matchesASetModel(seed: Int) {
        var random = SplitMix64(seed: UInt64(seed))
        var model = ReplayModel(windowSize: window)
        var w = ReplayWindow()
        for step in 0..<4_000 {
            let counter = nextCounter(model: model, random: &random)
            let checked = w.check(counter)
            #expect(checked == model.check(counter), "seed \(seed) step \(step) check \(counter)")
            // Commit most of the time; sometimes only check, as for a packet that fails to
            // authenticate.
            if random.next() % 8 != 0 {
                let committed = w.commit(counter)
                #expect(committed == model.commit(counter), "seed \(seed) step \(step) commit \(counter)")
            }
        }
    }

    private func nextCounter(model: ReplayModel, random: inout SplitMix64) -> UInt64 {
        let top = model.next
        switch random.next() % 10 {
        case 0...3: return top + random.next() % 4
        case 4...5: return top &- 1 &- random.next() % (window + 70)
        case 6: return model.accepted.randomElement(using: &random) ?? 0
        case 7: return top + random.next() % (3 * window)
        case 8: return top &- random.next() % 130
        default: return top + (random.next() % 2 == 0 ? 64 * (random.next() % 200) : random.next() % 70)
        }
    }
}

/// The obvious, slow definition of the window.
private struct ReplayModel {
    let windowSize: UInt64
    var accepted = Set<UInt64>()
    var next: UInt64 = 0

    func check(_ c: UInt64) -> Bool {
        guard c < ProtocolConstants.rejectAfterMessages, !accepted.contains(c) else { return false }
        return c >= next || next - c <= windowSize
    }

    mutating func commit(_ c: UInt64) -> Bool {
        guard check(c) else { return false }
        accepted.insert(c)
        next = max(next, c + 1)
        return true
    }
}

