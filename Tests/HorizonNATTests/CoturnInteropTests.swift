import Foundation
import HorizonCore
import HorizonUDP
import Testing
@testable import HorizonNAT

/// `STUNClient` against Debian's coturn (`CoturnProcess`). Skipped when coturn is not installed.
@Suite struct CoturnInteropTests {
    @Test(.enabled(if: CoturnProcess.executable != nil, "coturn is not installed (apt-get install coturn)"))
    func bindingAgainstCoturn() throws {
        let coturn = try CoturnProcess(stunOnly: true)
        defer { coturn.stop() }
        let socket = try UDPSocket(family: .ipv4, address: CoturnProcess.loopback)
        let client = STUNClient(socket: socket)
        // Retransmissions cover coturn's start-up (~0.5 s): sends over 6.3 s, then 1.6 s wait.
        let policy = STUNRetransmission(initialRTO: .milliseconds(100), requestCount: 7, lastWaitMultiplier: 16)
        let mapped = try client.reflexiveAddress(from: coturn.address, policy: policy)
        #expect(mapped == UDPAddress(ip: CoturnProcess.loopback, port: socket.port))
    }
}
