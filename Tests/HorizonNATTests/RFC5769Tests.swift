import HorizonCore
import HorizonUDP
import Testing
@testable import HorizonNAT

/// Every sample message of RFC 5769, parsed field by field, authenticated, and written again.
@Suite struct RFC5769Tests {
    static let transactionID = STUNTransactionID(bytes: RFC5769Vectors.hex("b7 e7 a7 01 bc 34 d6 86 fa 87 df ae"))!
    static let mapped4 = UDPAddress(ip: IPAddress("192.0.2.1")!, port: 32853)
    static let mapped6 = UDPAddress(ip: IPAddress("2001:db8:1234:5678:11:2233:4455:6677")!, port: 32853)

    @Test func requestWithShortTermAuthentication() throws {
        let received = try STUNReceivedMessage.parse(RFC5769Vectors.request)
        let message = received.message
        #expect(message.type == .bindingRequest)
        #expect(message.transactionID == Self.transactionID)
        #expect(message.attributes == [
            .software("STUN test client"),
            .priority(0x6E00_01FF),
            .iceControlled(tieBreaker: 0x932F_F9B1_5126_3B36),
            .username("evtj:h6vY"),
        ])
        #expect(received.unknownComprehensionRequired.isEmpty)
        #expect(received.hasFingerprint)
        #expect(received.integrity?.value == RFC5769Vectors.hex("9a ea a7 0c bf d8 cb 56 78 1e f2 b5 b2 d3 f2 49 c1 b5 71 a2"))
        let key = try STUNIntegrityKey.shortTerm(password: RFC5769Vectors.requestPassword)
        #expect(received.verifyIntegrity(key: key))
        #expect(!received.verifyIntegrity(key: try .shortTerm(password: "VOkJxbRl1RmTxUk/WvJxBT")))
        // The RFC pads USERNAME with spaces; with that padding our encoding is the RFC's.
        #expect(message.encoded(integrity: key, fingerprint: true, padding: 0x20) == RFC5769Vectors.request)
    }

    @Test(arguments: [(RFC5769Vectors.ipv4Response, mapped4, "a1 47 e1 12 a6 43"),
                      (RFC5769Vectors.ipv6Response, mapped6, "a1 47 01 13 a9 fa")])
    func successResponse(bytes: [UInt8], mapped: UDPAddress, xoredPrefix: String) throws {
        let received = try STUNReceivedMessage.parse(bytes)
        let message = received.message
        #expect(message.type == .bindingSuccess)
        #expect(message.transactionID == Self.transactionID)
        #expect(message.attributes == [.software("test vector"), .xorMappedAddress(mapped)])
        #expect(message.reflexiveAddress == mapped)
        #expect(message.software == "test vector")
        #expect(received.hasFingerprint)
        // The address really is XORed on the wire (port 32853 ^ 0x2112 = 0xa147).
        let encodedAddress = STUNAddressCoding.encode(mapped, xor: Self.transactionID)
        #expect(Array(encodedAddress[2..<8]) == RFC5769Vectors.hex(xoredPrefix))
        let key = try STUNIntegrityKey.shortTerm(password: RFC5769Vectors.responsePassword)
        #expect(received.verifyIntegrity(key: key))
        #expect(message.encoded(integrity: key, fingerprint: true, padding: 0x20) == bytes)
    }

    @Test func requestWithLongTermAuthentication() throws {
        let received = try STUNReceivedMessage.parse(RFC5769Vectors.longTermRequest)
        let message = received.message
        #expect(message.type == .bindingRequest)
        #expect(message.transactionID == STUNTransactionID(bytes: RFC5769Vectors.hex("78 ad 34 33 c6 ad 72 c0 29 da 41 2e")))
        #expect(message.attributes == [
            .username(RFC5769Vectors.longTermUsername),
            .nonce(RFC5769Vectors.longTermNonce),
            .realm(RFC5769Vectors.longTermRealm),
        ])
        #expect(!received.hasFingerprint)
        let key = try STUNIntegrityKey.longTerm(username: RFC5769Vectors.longTermUsername,
                                                realm: RFC5769Vectors.longTermRealm,
                                                password: RFC5769Vectors.longTermPassword)
        #expect(key == (try STUNIntegrityKey.longTerm(username: RFC5769Vectors.longTermUsername,
                                                      realm: RFC5769Vectors.longTermRealm, password: "TheMatrIX")))
        #expect(received.verifyIntegrity(key: key))
        let wrong = try STUNIntegrityKey.longTerm(username: RFC5769Vectors.longTermUsername,
                                                  realm: RFC5769Vectors.longTermRealm, password: "TheMatrix")
        #expect(!received.verifyIntegrity(key: wrong))
        let encoded = message.encoded(integrity: key)
        #expect(encoded == RFC5769Vectors.longTermRequest)
        #expect(try STUNReceivedMessage.parse(encoded).verifyIntegrity(key: key))
    }

    @Test func everyVectorIsClassifiedAsSTUN() {
        for bytes in [RFC5769Vectors.request, RFC5769Vectors.ipv4Response, RFC5769Vectors.ipv6Response,
                      RFC5769Vectors.longTermRequest] {
            #expect(DatagramKind.classify(bytes) == .stun)
        }
    }
}
