import HorizonCore
import HorizonLAN
import HorizonTestKit
import Testing

/// One node's switch with members "B" and "C"; this node's own machine has MAC `a`.
@Suite struct LANSwitchTests {
    let a = LANTestFrames.mac(1, node: 0xA)
    let b = LANTestFrames.mac(1, node: 0xB)
    let c = LANTestFrames.mac(1, node: 0xC)
    let unknown = LANTestFrames.mac(9, node: 0xD)

    func makeSwitch(limiter: FloodRateLimiter<LANSwitch<String>.Port> = FloodRateLimiter()) -> LANSwitch<String> {
        var lan = LANSwitch<String>(limiter: limiter)
        lan.join("B")
        lan.join("C")
        lan.join("B")
        return lan
    }

    func forward(_ lan: inout LANSwitch<String>, _ frame: [UInt8], from port: LANSwitch<String>.Port, at now: MonotonicTime) -> LANSwitch<String>.Action {
        frame.withUnsafeBytes { lan.forward(frame: $0, from: port, at: now) }
    }

    @Test func broadcastsFloodOnceAndLearnedUnicastGoesToOneMember() {
        let clock = ManualClock()
        var lan = makeSwitch()
        #expect(lan.members == ["B", "C"], "joining twice does not add a second port")
        #expect(forward(&lan, LANTestFrames.frame(from: a, to: .broadcast, etherType: 0x0806), from: .local, at: clock.now) == .flood)
        #expect(forward(&lan, LANTestFrames.frame(from: a, to: b), from: .local, at: clock.now) == .flood, "unknown unicast floods")
        #expect(forward(&lan, LANTestFrames.frame(from: b, to: a), from: .member("B"), at: clock.now) == .deliverLocally)
        #expect(forward(&lan, LANTestFrames.frame(from: a, to: b), from: .local, at: clock.now) == .send(to: "B"))
        #expect(lan.counters.flooded == 2 && lan.counters.unicastSent == 1 && lan.counters.deliveredLocally == 1)
    }

    @Test func framesFromMembersAreNeverPassedOn() {
        let clock = ManualClock()
        var lan = makeSwitch()
        _ = forward(&lan, LANTestFrames.frame(from: b, to: .broadcast), from: .member("B"), at: clock.now)
        _ = forward(&lan, LANTestFrames.frame(from: c, to: .broadcast), from: .member("C"), at: clock.now)
        // C flooded a frame for b (unknown to C): it is not ours, and we never relay it to B.
        #expect(forward(&lan, LANTestFrames.frame(from: c, to: b), from: .member("C"), at: clock.now) == .drop(.notForThisPort))
        #expect(forward(&lan, LANTestFrames.frame(from: c, to: unknown), from: .member("C"), at: clock.now) == .deliverLocally)
        let mdns = MACAddress("01:00:5e:00:00:fb")!
        #expect(forward(&lan, LANTestFrames.frame(from: c, to: mdns), from: .member("C"), at: clock.now) == .deliverLocally)
    }

    @Test func ourOwnFrameComingBackIsALoopAndDropped() {
        let clock = ManualClock()
        var lan = makeSwitch()
        _ = forward(&lan, LANTestFrames.frame(from: a, to: .broadcast), from: .local, at: clock.now)
        #expect(forward(&lan, LANTestFrames.frame(from: a, to: .broadcast), from: .member("B"), at: clock.now) == .drop(.loopedBack))
        // and the table still says `a` is local, so unicast for it is not sent away
        _ = forward(&lan, LANTestFrames.frame(from: b, to: .broadcast), from: .member("B"), at: clock.now)
        #expect(forward(&lan, LANTestFrames.frame(from: b, to: a), from: .member("B"), at: clock.now) == .deliverLocally)
    }

    @Test func badFramesAndStrangersAreDroppedAndCounted() {
        let clock = ManualClock()
        var lan = makeSwitch()
        #expect(forward(&lan, [UInt8](repeating: 0xFF, count: 13), from: .local, at: clock.now) == .drop(.malformed))
        #expect(forward(&lan, LANTestFrames.frame(from: .broadcast, to: b), from: .member("B"), at: clock.now) == .drop(.multicastSource))
        #expect(forward(&lan, LANTestFrames.frame(from: unknown, to: a), from: .member("D"), at: clock.now) == .drop(.notAMember))
        #expect(lan.counters.dropped(.malformed) == 1 && lan.counters.dropped(.multicastSource) == 1)
        #expect(lan.counters.dropped(.notAMember) == 1 && lan.counters.totalDropped == 3)
        #expect(lan.counters.fromLocal == 1 && lan.counters.fromMembers == 2)
    }

    @Test func aMemberThatLeavesIsForgotten() {
        let clock = ManualClock()
        var lan = makeSwitch()
        _ = forward(&lan, LANTestFrames.frame(from: b, to: .broadcast), from: .member("B"), at: clock.now)
        lan.leave("B")
        #expect(lan.members == ["C"])
        #expect(forward(&lan, LANTestFrames.frame(from: a, to: b), from: .local, at: clock.now) == .flood)
        #expect(forward(&lan, LANTestFrames.frame(from: b, to: .broadcast), from: .member("B"), at: clock.now) == .drop(.notAMember))
    }

    @Test func aStormFromOneMemberDoesNotStarveAnother() {
        var clock = ManualClock()
        var lan = makeSwitch(limiter: FloodRateLimiter(rate: 100, burst: 10))
        var delivered = ["B": 0, "C": 0]
        // One second: B floods 10,000 broadcasts, C sends one every 100 ms.
        for tick in 0..<10_000 {
            if forward(&lan, LANTestFrames.frame(from: b, to: .broadcast), from: .member("B"), at: clock.now) == .deliverLocally {
                delivered["B", default: 0] += 1
            }
            if tick % 1000 == 0,
               forward(&lan, LANTestFrames.frame(from: c, to: .broadcast), from: .member("C"), at: clock.now) == .deliverLocally {
                delivered["C", default: 0] += 1
            }
            clock.advance(by: .microseconds(100))
        }
        #expect(delivered["C"] == 10, "every one of C's broadcasts got through")
        #expect((105...112).contains(delivered["B"]!), "B is held to its burst plus one second of rate: \(delivered["B"]!)")
        #expect(lan.counters.dropped(.floodRateLimited) == UInt64(10_000 - delivered["B"]!))
    }

    /// Three nodes in a full mesh, each with its own switch: every broadcast reaches each other
    /// node exactly once and no frame is ever sent on by a node that received it.
    @Test func aMeshDeliversEachBroadcastExactlyOnce() {
        let clock = ManualClock()
        let names = ["A", "B", "C"]
        var switches: [String: LANSwitch<String>] = [:]
        for name in names {
            var lan = LANSwitch<String>()
            for other in names where other != name { lan.join(other) }
            switches[name] = lan
        }
        var received: [String: Int] = [:]
        var generator = SplitMix64(seed: 7)
        for _ in 0..<300 {
            let sender = names[Int(generator.next() % 3)]
            let source = LANTestFrames.mac(UInt8(generator.next() % 4), node: UInt8(names.firstIndex(of: sender)!))
            let frame = LANTestFrames.frame(from: source, to: .broadcast)
            guard frame.withUnsafeBytes({ switches[sender]!.forward(frame: $0, from: .local, at: clock.now) }) == .flood else {
                Issue.record("a local broadcast must flood")
                continue
            }
            for member in switches[sender]!.members {
                let action = frame.withUnsafeBytes { switches[member]!.forward(frame: $0, from: .member(sender), at: clock.now) }
                #expect(action == .deliverLocally, "\(member) must take \(sender)'s broadcast once, and only locally")
                received[member, default: 0] += 1
            }
        }
        let sent = switches.mapValues { $0.counters.flooded }
        for name in names {
            let expected = names.filter { $0 != name }.reduce(0) { $0 + Int(sent[$1]!) }
            #expect(received[name, default: 0] == expected)
        }
    }
}
