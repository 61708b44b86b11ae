import Foundation
import HorizonCore
@testable import HorizonNode
import Testing

/// What the daemon refuses before it touches the broker or the host, and how it says so.
@Suite struct NodeAgentInputTests {
    @Test func brokerURLsMustBeHTTP() throws {
        #expect(try NodeAgent.brokerURL("http://10.0.0.1:8080").port == 8080)
        for bad in ["10.0.0.1:8080", "ftp://broker", "http://", "not a url"] {
            #expect(throws: RoleError.self) { try NodeAgent.brokerURL(bad) }
        }
    }

    @Test func locationsAreCountryAndOptionalCity() throws {
        #expect(try NodeAgent.location("de/Berlin") == .init(country: "DE", city: "Berlin"))
        #expect(try NodeAgent.location("US") == .init(country: "US"))
        #expect(try NodeAgent.location(nil) == nil)
        #expect(throws: RoleError.self) { try NodeAgent.location("Germany") }
    }

    @Test func anExplicitEndpointMustBeHostAndPort() throws {
        func request(_ endpoint: String?) -> ServerUpRequest {
            ServerUpRequest(broker: "http://b", enrollmentKey: "k", name: "gw", endpoint: endpoint, location: nil,
                            uplink: nil, listenPort: 51820, capacity: 10)
        }
        #expect(try NodeAgent.serverEndpoint(request("gw.example.com:51820"), uplink: nil) == "gw.example.com:51820")
        #expect(throws: RoleError.self) { try NodeAgent.serverEndpoint(request("gw.example.com"), uplink: nil) }
    }

    @Test func stateRecordsRoundTripPrivately() throws {
        let dir = NSTemporaryDirectory() + "horizon-records-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let state = NodeStateDirectory(path: dir)
        #expect(try state.load(.membership, as: Membership.self) == nil)
        let membership = Membership(
            broker: URL(string: "http://10.0.0.1:8080")!, role: .server, nodeID: "n1", name: "gw1", credential: "hzd_secret",
            addresses: ["100.64.0.2"], server: ServerSettings(listenPort: 51820, uplink: "eth0", capacity: 50))
        try state.save(membership, as: .membership)
        #expect(try state.load(.membership, as: Membership.self) == membership)
        let mode = try FileManager.default.attributesOfItem(atPath: state.recordPath(.membership))[.posixPermissions] as? Int
        #expect(mode == 0o600, "the record holds the node credential")

        try "{ not json".write(toFile: state.recordPath(.connection), atomically: true, encoding: .utf8)
        #expect(throws: NodeStateError.self) { try state.load(.connection, as: ConnectionChoice.self) }
        state.remove(.connection)
        #expect(try state.load(.connection, as: ConnectionChoice.self) == nil)
    }

    @Test func uplinkAddressComesFromIPJSON() {
        let json = #"[{"ifname":"eth0","addr_info":[{"family":"inet","local":"203.0.113.5","prefixlen":24}]}]"#
        #expect(UplinkInterface.firstAddress(inJSON: json) == "203.0.113.5")
        #expect(UplinkInterface.firstAddress(inJSON: "[]") == nil)
    }
}
