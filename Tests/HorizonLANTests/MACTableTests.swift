import HorizonCore
import HorizonLAN
import HorizonTestKit
import Testing

@Suite struct MACTableTests {
    let a = LANTestFrames.mac(1, node: 1)
    let b = LANTestFrames.mac(2, node: 1)
    let c = LANTestFrames.mac(3, node: 1)

    @Test func learnsMovesAndForgets() {
        let clock = ManualClock()
        var table = MACTable<String>()
        #expect(table.member(for: a, at: clock.now) == nil)
        table.learn(a, behind: "bob", at: clock.now)
        table.learn(b, behind: "bob", at: clock.now)
        table.learn(c, behind: "carol", at: clock.now)
        #expect(table.member(for: a, at: clock.now) == "bob")
        table.learn(a, behind: "carol", at: clock.now)
        #expect(table.member(for: a, at: clock.now) == "carol", "a MAC that moved is found at its new member")
        table.forget("bob")
        #expect(table.member(for: b, at: clock.now) == nil)
        #expect(table.member(for: a, at: clock.now) == "carol" && table.count == 2)
    }

    @Test func entriesAgeOutWhenSilent() {
        var clock = ManualClock()
        var table = MACTable<String>(ageing: .seconds(300))
        table.learn(a, behind: "bob", at: clock.now)
        clock.advance(by: .seconds(299))
        #expect(table.member(for: a, at: clock.now) == "bob")
        table.learn(a, behind: "bob", at: clock.now)  // seen again: the clock restarts
        clock.advance(by: .seconds(299))
        #expect(table.member(for: a, at: clock.now) == "bob")
        clock.advance(by: .seconds(1))
        #expect(table.member(for: a, at: clock.now) == nil)
        #expect(table.count == 0)
    }

    @Test func aFullTableMakesRoomFromTheAgedThenTheStalest() {
        var clock = ManualClock()
        var table = MACTable<String>(ageing: .seconds(100), capacity: 2)
        table.learn(a, behind: "bob", at: clock.now)
        clock.advance(by: .seconds(10))
        table.learn(b, behind: "bob", at: clock.now)
        clock.advance(by: .seconds(10))
        table.learn(c, behind: "carol", at: clock.now)
        #expect(table.count == 2)
        #expect(table.member(for: a, at: clock.now) == nil, "the stalest entry made room")
        #expect(table.member(for: b, at: clock.now) == "bob" && table.member(for: c, at: clock.now) == "carol")

        clock.advance(by: .seconds(95))  // b is now aged (105 s), c is not (95 s)
        table.learn(a, behind: "dave", at: clock.now)
        #expect(table.member(for: c, at: clock.now) == "carol" && table.member(for: a, at: clock.now) == "dave")
        #expect(table.count == 2)
    }
}

@Suite struct FloodRateLimiterTests {
    @Test func allowsTheBurstThenTheRate() {
        var clock = ManualClock()
        var limiter = FloodRateLimiter<String>(rate: 100, burst: 10)
        let burst = (0..<50).filter { _ in limiter.allow("bob", at: clock.now) }.count
        #expect(burst == 10)
        clock.advance(by: .milliseconds(100))  // 10 tokens back
        let refill = (0..<50).filter { _ in limiter.allow("bob", at: clock.now) }.count
        #expect(refill == 10)
        let carolAllowed = limiter.allow("carol", at: clock.now)
        #expect(carolAllowed, "senders have buckets of their own")
        clock.advance(by: .seconds(60))
        let capped = (0..<50).filter { _ in limiter.allow("bob", at: clock.now) }.count
        #expect(capped == 10, "an idle sender saves up at most one burst")
    }
}
