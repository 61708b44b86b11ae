import Foundation
import HorizonCore
import HorizonUDP
import Synchronization
import Testing
@testable import HorizonNAT

/// Closing a session that sends through its owner's socket (a device's): requests waiting
/// for the server fail at once, and nothing reaches the owner's socket afterwards, so the
/// owner may close it as soon as `close()` returns.
@Suite struct TURNSessionCloseTests {
    static let server = UDPAddress(ip: .v4(IPv4Address(192, 0, 2, 1)), port: 3478)
    static let peer = UDPAddress(ip: .v4(IPv4Address(198, 51, 100, 7)), port: 51820)

    @Test func closeEndsAWaitingRequestAndAllSending() throws {
        let sent = Mutex(0)
        let session = TURNSession(server: Self.server, credentials: TURNCredentials(username: "u", password: "p"),
                                  sending: { _ in sent.withLock { $0 += 1 }; return true }, onData: { _, _ in })
        // An Allocate nobody answers, allowed to wait far longer than the test may take.
        let outcome = Mutex<TURNError?>(nil)
        let done = DispatchSemaphore(value: 0)
        Thread {
            do throws(TURNError) {
                _ = try session.allocate(timeout: .seconds(600))
            } catch {
                outcome.withLock { $0 = error }
            }
            done.signal()
        }.start()
        session.close()
        try #require(done.wait(timeout: .now() + 30) == .success, "the request still waits after close")
        #expect(outcome.withLock { $0 } == .closed(server: Self.server))

        let before = sent.withLock { $0 }
        #expect(throws: TURNError.closed(server: Self.server)) { try session.allocate(timeout: .seconds(600)) }
        #expect(!session.send([1, 2, 3], to: Self.peer))
        let request = STUNMessage(type: STUNMessageType(method: .binding, messageClass: .request), attributes: [])
        session.receive(fromServer: request.encoded())
        #expect(sent.withLock { $0 } == before)
    }
}
