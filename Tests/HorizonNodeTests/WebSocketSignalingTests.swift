import Foundation
import HorizonNAT
import HorizonNode
import Testing

/// `WebSocketSignaling` against a stand-in for the broker's signal socket: the upgrade carries
/// the node credential to `/api/v1/node/signal`, a signal goes out as `{"to","payload"}` (masked)
/// and a peer's comes back as an envelope (refusals and pings in between are handled), and after
/// the server drops the connection the transport reconnects by itself.
@Suite struct WebSocketSignalingTests {
    // Three minutes: in the full suite, tests that block in sockets hold both of the two
    // cooperative threads for long stretches (a CI run took 97 s here); alone it takes ~1 s.
    @Test(.timeLimit(.minutes(3))) func signalsRoundTripAndSurviveAReconnect() async throws {
        let server = try SignalSocketServer(closeAfter: 1)
        defer { server.stop() }
        let signaling = WebSocketSignaling(broker: server.url, credential: "hzn_node_secret")
        let incoming = signaling.incoming()
        var iterator = incoming.makeAsyncIterator()
        let signal = PathSignal(session: "s1", credentials: ICECredentials(ufrag: "abcd", password: "0123456789abcdef01234567"),
                                candidates: [ICECandidate(kind: .host, address: .init(ip: .v4(.init(10, 0, 0, 1)), port: 51820))],
                                seen: nil)
        // Twice: the server closes the socket after each answer, so the second needs a reconnect.
        for round in 1...2 {
            let received = try await Self.sendUntilAnswered(SignalEnvelope(peer: "peer-\(round)", signal: signal), on: signaling, iterator: &iterator)
            #expect(received == SignalEnvelope(peer: "peer-\(round)", signal: signal))
        }
        let upgrades = server.log.upgrades.withLock { $0 }
        #expect(upgrades.count >= 2)
        #expect(upgrades.allSatisfy { $0.path == "/api/v1/node/signal" && $0.authorization == "Bearer hzn_node_secret" })
        await signaling.close()
    }

    /// Sends (dropped while disconnected) every 100 ms until the answer from `envelope.peer`
    /// arrives (an earlier round's duplicates are skipped), for as long as the test's time
    /// limit allows: a loaded machine running the whole suite has taken more than 10 s to
    /// connect, and a sender that gave up then left the wait without an end.
    static func sendUntilAnswered(_ envelope: SignalEnvelope, on signaling: WebSocketSignaling,
                                  iterator: inout AsyncStream<SignalEnvelope>.Iterator) async throws -> SignalEnvelope? {
        let sender = Task {
            while !Task.isCancelled {
                await signaling.send(envelope)
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
        defer { sender.cancel() }
        while let received = await iterator.next() {
            if received.peer == envelope.peer { return received }
        }
        return nil
    }
}
