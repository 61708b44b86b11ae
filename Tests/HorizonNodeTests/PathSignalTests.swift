import Foundation
import HorizonCore
import HorizonNAT
import HorizonNode
import Testing

/// The payload two nodes' PeerPaths exchange through the broker: its JSON shape (what another
/// implementation must send), candidates round-tripping, and tolerance for what a newer peer may add.
@Suite struct PathSignalTests {
    static let credentials = ICECredentials(ufrag: "abcd", password: "0123456789abcdef01234567")

    @Test func encodesTheDocumentedShape() throws {
        let signal = PathSignal(session: "s1", credentials: Self.credentials, candidates: [
            ICECandidate(kind: .host, address: .init(ip: IPAddress("10.0.1.2")!, port: 51820)),
            ICECandidate(kind: .serverReflexive, address: .init(ip: IPAddress("198.51.100.7")!, port: 40001)),
            ICECandidate(kind: .relayed, address: .init(ip: IPAddress("2001:db8::1")!, port: 50000)),
        ], seen: "s9")
        let object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(signal)) as? [String: Any])
        #expect(object["type"] as? String == "horizon.paths.v1")
        #expect(object["session"] as? String == "s1" && object["seen"] as? String == "s9")
        #expect(object["ufrag"] as? String == "abcd" && object["password"] as? String == Self.credentials.password)
        #expect(object["candidates"] as? [String] == ["host 10.0.1.2:51820", "srflx 198.51.100.7:40001", "relay [2001:db8::1]:50000"])
        let decoded = try JSONDecoder().decode(PathSignal.self, from: JSONEncoder().encode(signal))
        #expect(decoded == signal)
        #expect(decoded.parsedCandidates.map(\.kind) == [.host, .serverReflexive, .relayed])
        #expect(decoded.parsedCandidates.map(\.address.port) == [51820, 40001, 50000])
    }

    @Test func skipsCandidatesItCannotUse() throws {
        let json = #"""
        {"type":"horizon.paths.v1","session":"s","ufrag":"u","password":"p","extra":1,
         "candidates":["host 10.0.0.1:1","tcp 10.0.0.2:2","host not-an-address:3","relay","srflx example.org:4"]}
        """#
        let signal = try JSONDecoder().decode(PathSignal.self, from: Data(json.utf8))
        #expect(signal.seen == nil)
        #expect(signal.parsedCandidates == [ICECandidate(kind: .host, address: .init(ip: IPAddress("10.0.0.1")!, port: 1))])
    }
}
