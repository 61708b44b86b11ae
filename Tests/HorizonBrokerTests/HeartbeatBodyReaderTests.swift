import Foundation
@testable import HorizonBroker
import Testing

/// The heartbeat fast path reads exactly what the generated decoder reads, for the bodies it
/// takes, and leaves every other body to the generated decoder; its acknowledgement is the
/// generated encoder's.
@Suite struct HeartbeatBodyReaderTests {
    static func read(_ body: String) -> ServerPresence.Report? {
        Array(body.utf8).withUnsafeBytes(HeartbeatBodyReader.read)
    }

    static func generated(_ body: String) throws -> ServerPresence.Report {
        let decoded = try JSONDecoder().decode(Components.Schemas.Heartbeat.self, from: Data(body.utf8))
        return .init(load: decoded.load, peerCount: decoded.peerCount, rxBytes: decoded.rxBytes, txBytes: decoded.txBytes,
                     health: .init(decoded.health), endpoints: decoded.endpoints)
    }

    @Test(arguments: [
        #"{"load": 0.3, "peerCount": 5, "rxBytes": 1000, "txBytes": 2000, "health": "ok"}"#,
        #"{"health":"degraded","txBytes":0,"rxBytes":9223372036854775807,"peerCount":10000000,"load":1}"#,
        " \r\n\t{ \"load\" : 0.30000000000000004 ,\n \"peerCount\":0,\"rxBytes\":-5,\"txBytes\":-0,\"health\":\"failing\" } \n",
        #"{"load": -0.0, "peerCount": -1, "rxBytes": 0, "txBytes": 12, "health": "ok"}"#,
        #"{"load": 123456789.125, "peerCount": 7, "rxBytes": 1, "txBytes": 2, "health": "ok"}"#,
    ])
    func readsThePlainShapeAsTheGeneratedDecoderDoes(body: String) throws {
        let fast = try #require(Self.read(body), "the fast path takes \(body)")
        #expect(fast == (try Self.generated(body)))
    }

    @Test(arguments: [
        // Not the plain shape, though the generated decoder may take it: it decides.
        #"{"load": 0.3, "peerCount": 5, "rxBytes": 1000, "txBytes": 2000, "health": "ok", "endpoints": null}"#,
        #"{"load": 0.3, "peerCount": 5, "rxBytes": 1000, "txBytes": 2000, "health": "ok", "endpoints": ["192.0.2.1:1"]}"#,
        #"{"load": 1e-1, "peerCount": 5, "rxBytes": 1000, "txBytes": 2000, "health": "ok"}"#,
        #"{"load": 0.3, "peerCount": 5.0, "rxBytes": 1000, "txBytes": 2000, "health": "ok"}"#,
        #"{"load": 0.3, "peerCount": 5, "rxBytes": 1e3, "txBytes": 2000, "health": "ok"}"#,
        #"{"\u006coad": 0.3, "peerCount": 5, "rxBytes": 1000, "txBytes": 2000, "health": "ok"}"#,
        #"{"load": 0.3, "peerCount": 5, "rxBytes": 1000, "txBytes": 2000, "health": "o\u006b"}"#,
        // Refused by both: unknown, repeated or missing members, wrong types, bad JSON.
        #"{"load": 0.3, "peerCount": 5, "rxBytes": 1000, "txBytes": 2000, "health": "ok", "extra": 1}"#,
        #"{"load": 0.3, "load": 0.4, "peerCount": 5, "rxBytes": 1000, "txBytes": 2000, "health": "ok"}"#,
        #"{"load": 0.3, "peerCount": 5, "rxBytes": 1000, "health": "ok"}"#,
        #"{"load": "0.3", "peerCount": 5, "rxBytes": 1000, "txBytes": 2000, "health": "ok"}"#,
        #"{"load": 0.3, "peerCount": "5", "rxBytes": 1000, "txBytes": 2000, "health": "ok"}"#,
        #"{"load": 0.3, "peerCount": 5, "rxBytes": 1000, "txBytes": 2000, "health": 7}"#,
        #"{"load": 0.3, "peerCount": 5, "rxBytes": 1000, "txBytes": 2000, "health": "dying"}"#,
        #"{"load": 0.3, "peerCount": 5, "rxBytes": 9223372036854775808, "txBytes": 2000, "health": "ok"}"#,
        #"{"load": 0.3, "peerCount": 05, "rxBytes": 1000, "txBytes": 2000, "health": "ok"}"#,
        #"{"load": .3, "peerCount": 5, "rxBytes": 1000, "txBytes": 2000, "health": "ok"}"#,
        #"{"load": 0., "peerCount": 5, "rxBytes": 1000, "txBytes": 2000, "health": "ok"}"#,
        #"{"load": 0.3, "peerCount": 5, "rxBytes": 1000, "txBytes": 2000, "health": "ok",}"#,
        #"{"load": 0.3, "peerCount": 5, "rxBytes": 1000, "txBytes": 2000, "health": "ok"} x"#,
        #"{"load": 0.3, "peerCount": 5, "rxBytes": 1000, "txBytes": 2000, "health": "ok""#,
        #"[0.3, 5, 1000, 2000, "ok"]"#, "", "{}", "null",
    ])
    func leavesEveryOtherBodyToTheGeneratedDecoder(body: String) {
        #expect(Self.read(body) == nil)
    }

    @Test func everyPrefixOfABodyIsRefused() {
        let body = #"{"load": 0.3, "peerCount": 5, "rxBytes": 1000, "txBytes": 2000, "health": "ok"}"#
        for length in 0..<body.utf8.count {
            #expect(Self.read(String(body.utf8.prefix(length))!) == nil, "\(length) bytes")
        }
    }

    /// Mutated bodies (bytes replaced, dropped or doubled; a fixed seed): the reader never
    /// takes one the generated decoder refuses, nor reads other values from it.
    @Test func mutatedBodiesAreTakenOnlyAsTheGeneratedDecoderTakesThem() throws {
        let body = Array(#"{"load": 0.25, "peerCount": 35, "rxBytes": 1000, "txBytes": 2000, "health": "degraded"}"#.utf8)
        let alphabet = Array(#"{}[]":,.-+eE0123456789 \u"#.utf8) + [0x00, 0x0A, 0xFF]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func random(_ bound: Int) -> Int {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return Int(state % UInt64(bound))
        }
        var taken = 0
        for _ in 0..<3000 {
            var mutated = body
            for _ in 0...random(3) {
                let at = random(mutated.count)
                switch random(3) {
                case 0: mutated[at] = alphabet[random(alphabet.count)]
                case 1: mutated.remove(at: at)
                default: mutated.insert(mutated[at], at: at)
                }
            }
            guard let fast = mutated.withUnsafeBytes(HeartbeatBodyReader.read) else { continue }
            taken += 1
            let text = String(decoding: mutated, as: UTF8.self)
            #expect(fast == (try? Self.generated(text)), "\(text)")
        }
        #expect(taken > 0, "some mutations (digits) keep the plain shape")
    }

    @Test(arguments: Node.Status.allCases)
    func theAckIsWhatTheGeneratedEncoderWrites(status: Node.Status) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let generated = try encoder.encode(Components.Schemas.HeartbeatAck(status: .init(status), heartbeatInterval: 10))
        #expect(HeartbeatMiddleware.ack(status: status, heartbeatInterval: 10) == String(decoding: generated, as: UTF8.self))
    }
}
