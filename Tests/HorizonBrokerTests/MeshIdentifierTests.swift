import Foundation
@testable import HorizonBroker
import Testing

/// Derived MACs and network tags, and the relay list from the environment (no store).
@Suite struct MeshIdentifierTests {
    @Test func derivedMACsAreLocallyAdministeredUnicastAndStable() {
        let network = UUID()
        var seen = Set<String>()
        for _ in 0..<500 {
            let node = UUID()
            let mac = MACAddress.derived(network: network, node: node, attempt: 0)
            #expect(mac.isLocallyAdministeredUnicast && mac.octets.count == 6)
            #expect(mac == MACAddress.derived(network: network, node: node, attempt: 0), "deterministic")
            #expect(mac != MACAddress.derived(network: network, node: node, attempt: 1))
            #expect(mac != MACAddress.derived(network: UUID(), node: node, attempt: 0), "depends on the network")
            seen.insert(mac.description)
        }
        #expect(seen.count == 500)
        #expect(MACAddress(octets: [0x02, 0, 0, 0, 0, 0x01]).description == "02:00:00:00:00:01")
        #expect(!MACAddress(octets: [0x03, 0, 0, 0, 0, 0]).isLocallyAdministeredUnicast, "multicast")
        #expect(!MACAddress(octets: [0x00, 0, 0, 0, 0, 0]).isLocallyAdministeredUnicast, "universal")
    }

    @Test func networkTagsAvoidTakenOnes() throws {
        let id = UUID()
        let first = try NetworkTag.free(for: id, avoiding: [])
        #expect(NetworkTag.range.contains(first) && first == NetworkTag.candidate(for: id, attempt: 0))
        let second = try NetworkTag.free(for: id, avoiding: [first])
        #expect(second != first && NetworkTag.range.contains(second))
    }

    @Test func relayListFromTheEnvironment() throws {
        let relays = try RelayServer.parseList(
            " turn:relay.example.net:3478, stun:198.51.100.1 ,turn:[2001:db8::1]", username: "u", password: "p")
        #expect(relays.map(\.uri) == ["turn:relay.example.net:3478", "stun:198.51.100.1:3478", "turn:[2001:db8::1]:3478"])
        #expect(relays[0].username == "u" && relays[0].password == "p" && relays[1].username == nil)
        for bad in ["http://x", "turn:", "turn:host:0", "turn:host:99999", "turn:ho st", "turn:[nothex]:3478", "turns:h", "turn:a:b:c", "stun:-x"] {
            #expect(throws: BrokerConfigurationError.self, "\(bad)") { try RelayServer.parseList(bad, username: nil, password: nil) }
        }
        let policy = try BrokerConfiguration.fromEnvironment(["HORIZON_DATA_DIR": "/tmp/x", "HORIZON_RELAYS": "stun:a.example", "HORIZON_TURN_USERNAME": ""]).nodes
        #expect(policy.relays.map(\.uri) == ["stun:a.example:3478"])
    }
}
