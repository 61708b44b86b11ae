import HorizonCore
import HorizonNAT
import HorizonUDP
import Testing

/// Horizon's own relay (`TURNRelayServer` on loopback) with Horizon's TURN client: the same
/// scenario coturn passes, and wrong credentials refused as coturn refuses them.
@Suite struct TURNRelayServerTests {
    static let credentials = TURNCredentials(username: "horizon", password: "correct horse")

    static func relay() throws -> TURNRelayServer {
        let relay = try TURNRelayServer(listen: UDPAddress(ip: .v4(IPv4Address(127, 0, 0, 1)), port: 0),
                                        configuration: TURNServerConfiguration(realm: "horizon.test", users: ["horizon": "correct horse"]))
        relay.start()
        return relay
    }

    @Test func allocationDataRefreshRelease() throws {
        let relay = try Self.relay()
        defer { relay.stop() }
        try TURNSessionScenario.run(server: relay.listenAddress, credentials: Self.credentials, timing: TURNCoturnTests.timing)
        #expect(relay.allocationCount == 0)
    }

    @Test func wrongPasswordIsReported() throws {
        let relay = try Self.relay()
        defer { relay.stop() }
        let session = try TURNSession(server: relay.listenAddress, credentials: TURNCredentials(username: "horizon", password: "wrong"),
                                      localAddress: .v4(IPv4Address(127, 0, 0, 1)), timing: TURNCoturnTests.timing) { _, _ in }
        defer { session.close() }
        #expect(throws: TURNError.unauthorized(server: relay.listenAddress, username: "horizon", realm: "horizon.test")) {
            try session.allocate()
        }
    }

    @Test func refusesToRelayOnTheWildcardAddress() {
        #expect(throws: UDPError.self) {
            _ = try TURNRelayServer(listen: UDPAddress(ip: .v4(IPv4Address(0)), port: 0),
                                    configuration: TURNServerConfiguration(realm: "r", users: [:]))
        }
    }
}
