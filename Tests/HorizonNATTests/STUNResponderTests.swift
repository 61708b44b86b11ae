import HorizonCore
import HorizonUDP
import Testing
@testable import HorizonNAT

@Suite struct STUNResponderTests {
    static let client = UDPAddress(ip: IPAddress("203.0.113.9")!, port: 40000)
    static let client6 = UDPAddress(ip: IPAddress("2001:db8::9")!, port: 40001)
    let responder = STUNResponder(software: "hzs-test")

    func answer(_ request: STUNMessage, from source: UDPAddress = client, fingerprint: Bool = false) throws -> STUNReceivedMessage {
        let bytes = try #require(responder.respond(to: request.encoded(fingerprint: fingerprint), from: source))
        return try STUNReceivedMessage.parse(bytes)
    }

    @Test(arguments: [client, client6])
    func bindingRequestGetsTheSourceAddress(source: UDPAddress) throws {
        let request = STUNMessage(type: .bindingRequest)
        let response = try answer(request, from: source, fingerprint: true)
        #expect(response.message.type == .bindingSuccess)
        #expect(response.message.transactionID == request.transactionID)
        #expect(response.message.attributes == [.xorMappedAddress(source), .software("hzs-test")])
        #expect(response.hasFingerprint)
    }

    @Test func unknownRequiredAttributeGets420() throws {
        let request = STUNMessage(type: .bindingRequest, attributes: [
            .other(STUNAttributeType(rawValue: 0x0031), [1, 2, 3, 4]),
            .other(STUNAttributeType(rawValue: 0x8031), []),   // optional: not listed
        ])
        let response = try answer(request)
        #expect(response.message.type == .bindingError)
        #expect(response.message.errorCode?.code == 420)
        #expect(response.message.first { if case .unknownAttributes(let t) = $0 { t } else { nil } }
                == [STUNAttributeType(rawValue: 0x0031)])
    }

    @Test func malformedAttributeAndOtherMethodsGet400() throws {
        var bad = STUNMessage(type: .bindingRequest).encoded()
        bad += [0x00, 0x20, 0x00, 0x04, 0, 9, 0, 0]   // XOR-MAPPED-ADDRESS, family 9
        STUNMessage.setLength(ofMessageEndingAt: bad.count, in: &bad)
        let badAnswer = try STUNReceivedMessage.parse(try #require(responder.respond(to: bad, from: Self.client)))
        #expect(badAnswer.message.errorCode?.code == 400)
        let allocate = try answer(STUNMessage(type: STUNMessageType(method: .allocate, messageClass: .request)))
        #expect(allocate.message.type == STUNMessageType(method: .allocate, messageClass: .errorResponse))
        #expect(allocate.message.errorCode?.code == 400)
    }

    @Test func silenceForEverythingElse() {
        let indication = STUNMessage(type: STUNMessageType(method: .binding, messageClass: .indication)).encoded()
        let response = STUNMessage(type: .bindingSuccess).encoded()
        var badFingerprint = STUNMessage(type: .bindingRequest).encoded(fingerprint: true)
        badFingerprint[badFingerprint.count - 1] ^= 1
        for bytes in [indication, response, badFingerprint, [1, 0, 0, 0] + [UInt8](repeating: 0, count: 144), []] {
            #expect(responder.respond(to: bytes, from: Self.client) == nil)
        }
    }
}
