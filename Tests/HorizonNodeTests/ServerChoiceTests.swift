import HorizonBrokerClient
@testable import HorizonNode
import Testing

/// Which gateway `horizon connect` takes.
@Suite struct ServerChoiceTests {
    static func peer(_ name: String, kind: Components.Schemas.NodeKind = .server, endpoints: [String] = ["192.0.2.1:51820"],
                     load: Double? = nil) -> NetmapPeer {
        NetmapPeer(
            id: "id-\(name)", kind: kind, name: name, publicKey: "key-\(name)", addresses: ["100.64.0.9"],
            allowedIPs: ["100.64.0.9/32"], endpoints: endpoints, location: .init(country: "DE", city: "Berlin"), load: load)
    }

    static func map(_ peers: [NetmapPeer]) -> Netmap {
        Netmap(version: "v1", _self: .init(id: "me", kind: .device, name: "laptop", publicKey: "k", status: .approved, addresses: []),
               peers: peers)
    }

    @Test func onlyServersWithAnEndpointAreCandidates() {
        let candidates = ServerChoice.candidates(in: Self.map([
            Self.peer("gw1"), Self.peer("phone", kind: .device), Self.peer("hidden", endpoints: []),
        ]))
        #expect(candidates.map(\.name) == ["gw1"])
        #expect(candidates.first?.country == "DE" && candidates.first?.city == "Berlin")
    }

    @Test func picksByNameOrIdAndBestByLatencyWeightedByLoad() {
        var near = ServerCandidate(Self.peer("near", load: 0.9))
        near.rttMilliseconds = 10  // score 19
        var far = ServerCandidate(Self.peer("far", load: 0.0))
        far.rttMilliseconds = 15  // score 15
        let silent = ServerCandidate(Self.peer("silent", load: 0.0))  // no answer: last
        let all = [silent, near, far]
        #expect(ServerChoice.pick(nil, from: all)?.name == "far")
        #expect(ServerChoice.pick("near", from: all)?.name == "near")
        #expect(ServerChoice.pick("id-silent", from: all)?.name == "silent")
        #expect(ServerChoice.pick("nowhere", from: all) == nil)
        // Nobody answered: the least loaded.
        var busy = ServerCandidate(Self.peer("busy", load: 0.8))
        busy.rttMilliseconds = nil
        #expect(ServerChoice.pick(nil, from: [busy, silent])?.name == "silent")
    }
}
