import Foundation
import HorizonCore
import HorizonNAT
import HorizonUDP
import Synchronization
import Testing

/// `TURNSession` against Debian's coturn on loopback (`CoturnProcess`): `TURNSessionScenario`
/// (allocation, permission, data both ways as indications and over a channel, refresh,
/// release); a wrong password is reported as such.
@Suite struct TURNCoturnTests {
    /// Quick retransmissions: coturn takes ~0.5 s to start listening.
    static var timing: TURNClient.Timing {
        var timing = TURNClient.Timing()
        timing.retransmission = STUNRetransmission(initialRTO: .milliseconds(100), requestCount: 7, lastWaitMultiplier: 8)
        return timing
    }

    @Test(.enabled(if: CoturnProcess.executable != nil, "coturn is not installed (apt-get install coturn)"))
    func allocationDataRefreshRelease() throws {
        let coturn = try CoturnProcess(stunOnly: false)
        defer { coturn.stop() }
        try TURNSessionScenario.run(server: coturn.address, credentials: CoturnProcess.credentials, timing: Self.timing)
    }

    @Test(.enabled(if: CoturnProcess.executable != nil, "coturn is not installed (apt-get install coturn)"))
    func wrongPasswordIsReported() throws {
        let coturn = try CoturnProcess(stunOnly: false)
        defer { coturn.stop() }
        let wrong = TURNCredentials(username: CoturnProcess.credentials.username, password: "wrong")
        let session = try TURNSession(server: coturn.address, credentials: wrong, localAddress: CoturnProcess.loopback,
                                      timing: Self.timing) { _, _ in }
        defer { session.close() }
        #expect(throws: TURNError.unauthorized(server: coturn.address, username: "horizon", realm: CoturnProcess.realm)) {
            try session.allocate()
        }
        let error = TURNError.unauthorized(server: coturn.address, username: "horizon", realm: CoturnProcess.realm)
        #expect(error.description.contains("check the TURN username and password"))
    }
}

/// Peers' data from the session's thread to the test's.
final class DataInbox: Sendable {
    private let items = Mutex<[(UDPAddress, [UInt8])]>([])
    private let arrived = DispatchSemaphore(value: 0)

    func put(_ source: UDPAddress, _ bytes: [UInt8]) {
        items.withLock { $0.append((source, bytes)) }
        arrived.signal()
    }

    func take(milliseconds: Int = 2000) -> (UDPAddress, [UInt8])? {
        guard arrived.wait(timeout: .now() + .milliseconds(milliseconds)) == .success else { return nil }
        return items.withLock { $0.removeFirst() }
    }
}
