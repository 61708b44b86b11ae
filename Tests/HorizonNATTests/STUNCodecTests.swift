import HorizonCore
import HorizonUDP
import Testing
@testable import HorizonNAT

@Suite struct STUNCodecTests {
    static let tid = STUNTransactionID(high: 0x0102_0304, low: 0x0506_0708_090A_0B0C)
    static let v4 = UDPAddress(ip: IPAddress("198.51.100.7")!, port: 61000)
    static let v6 = UDPAddress(ip: IPAddress("2001:db8::42")!, port: 3478)

    @Test func messageTypeInterleavesMethodAndClassBits() {
        #expect(STUNMessageType.bindingRequest.rawValue == 0x0001)
        #expect(STUNMessageType(method: .binding, messageClass: .indication).rawValue == 0x0011)
        #expect(STUNMessageType.bindingSuccess.rawValue == 0x0101)
        #expect(STUNMessageType.bindingError.rawValue == 0x0111)
        #expect(STUNMessageType(method: .allocate, messageClass: .request).rawValue == 0x0003)
        #expect(STUNMessageType(method: .allocate, messageClass: .errorResponse).rawValue == 0x0113)
        #expect(STUNMessageType(method: .send, messageClass: .indication).rawValue == 0x0016)
        #expect(STUNMessageType(method: .data, messageClass: .indication).rawValue == 0x0017)
        #expect(STUNMessageType(rawValue: 0x4001) == nil)
        for raw in UInt16(0)...0x3FFF {
            #expect(STUNMessageType(rawValue: raw)!.rawValue == raw)
        }
    }

    @Test func crc32MatchesTheStandardCheckValue() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([UInt8]()) == 0)
    }

    /// Every attribute this codec knows, both address families, through bytes and back.
    static let everyAttribute: [STUNAttribute] = [
        .mappedAddress(v4), .mappedAddress(v6), .xorMappedAddress(v4), .xorMappedAddress(v6),
        .username("alice"), .realm("horizon"), .nonce("n0nce"), .software("Horizon test"),
        .errorCode(.unknownAttribute()), .errorCode(STUNErrorCode(code: 699, reason: "")),
        .unknownAttributes([STUNAttributeType(rawValue: 0x7777), STUNAttributeType(rawValue: 0x0042)]),
        .channelNumber(0x4001), .lifetime(600), .xorPeerAddress(v6), .xorRelayedAddress(v4),
        .data([1, 2, 3, 4, 5]), .data([]), .requestedTransport(17), .priority(0x6E00_01FF), .useCandidate,
        .iceControlled(tieBreaker: 0x0102_0304_0506_0708), .iceControlling(tieBreaker: .max),
        .other(STUNAttributeType(rawValue: 0x8123), [9, 9, 9]),
    ]

    @Test func everyAttributeRoundTrips() throws {
        let message = STUNMessage(type: STUNMessageType(method: .allocate, messageClass: .successResponse),
                                  transactionID: Self.tid, attributes: Self.everyAttribute)
        let key = STUNIntegrityKey(bytes: Array("secret".utf8))
        for (integrity, sha256, fingerprint) in [(nil, nil, false), (key, nil, true), (nil, key, true), (key, key, false)] {
            let bytes = message.encoded(integrity: integrity, integritySHA256: sha256, fingerprint: fingerprint)
            #expect(bytes.count % 4 == 0)
            let received = try STUNReceivedMessage.parse(bytes)
            #expect(received.message == message)
            #expect(received.hasFingerprint == fingerprint)
            #expect((received.integrity != nil) == (integrity != nil))
            #expect((received.integritySHA256 != nil) == (sha256 != nil))
            #expect(received.verifyIntegrity(key: key) == (integrity != nil || sha256 != nil))
            #expect(!received.verifyIntegrity(key: STUNIntegrityKey(bytes: Array("Secret".utf8))))
            #expect(received.unknownComprehensionRequired.isEmpty)
        }
    }

    @Test func tamperingBreaksIntegrityAndFingerprint() throws {
        let key = try STUNIntegrityKey.shortTerm(password: "pass")
        let message = STUNMessage(type: .bindingRequest, transactionID: Self.tid, attributes: [.username("a:b")])
        var bytes = message.encoded(integrity: key)
        bytes[24] ^= 0x01   // a byte of USERNAME
        #expect(try !STUNReceivedMessage.parse(bytes).verifyIntegrity(key: key))
        var fingerprinted = message.encoded(fingerprint: true)
        fingerprinted[25] ^= 0x01
        #expect(throws: STUNParseError.fingerprintMismatch) { try STUNReceivedMessage.parse(fingerprinted) }
    }

    @Test func attributesAfterIntegrityAreIgnoredAndUnknownRequiredOnesReported() throws {
        let key = STUNIntegrityKey(bytes: [1, 2, 3])
        var bytes = STUNMessage(type: .bindingRequest, transactionID: Self.tid,
                                attributes: [.other(STUNAttributeType(rawValue: 0x0033), [1]),
                                             .other(STUNAttributeType(rawValue: 0x0033), [2]),
                                             .other(STUNAttributeType(rawValue: 0xC001), [])])
            .encoded(integrity: key)
        STUNMessage.append(.software, Array("late".utf8), to: &bytes, padding: 0)
        STUNMessage.setLength(ofMessageEndingAt: bytes.count, in: &bytes)
        let received = try STUNReceivedMessage.parse(bytes)
        #expect(received.message.software == nil)
        #expect(received.unknownComprehensionRequired == [STUNAttributeType(rawValue: 0x0033)])
        #expect(received.verifyIntegrity(key: key))
    }

    @Test func truncatedSHA256IntegrityIsAccepted() throws {
        let key = STUNIntegrityKey(bytes: [7])
        let message = STUNMessage(type: .bindingRequest, transactionID: Self.tid, attributes: [.username("u")])
        var bytes = message.encoded()
        let fullLength = bytes.count + 4 + 16
        STUNMessage.setLength(ofMessageEndingAt: fullLength, in: &bytes)
        let mac = Array(key.hmacSHA256(bytes).prefix(16))
        STUNMessage.append(.messageIntegritySHA256, mac, to: &bytes, padding: 0)
        #expect(try STUNReceivedMessage.parse(bytes).verifyIntegrity(key: key))
    }

    @Test func saslprepMapsAndRefuses() throws {
        #expect(try SASLprep.prepare("plain ascii") == "plain ascii")
        #expect(try SASLprep.prepare("a\u{00A0}b\u{200D}c") == "a bc")
        #expect(try SASLprep.prepare("\u{2168}") == "IX")   // NFKC
        #expect(throws: STUNCredentialError.prohibitedCharacter("\u{07}")) { try SASLprep.prepare("bell\u{07}x\u{00E9}") }
    }
}
