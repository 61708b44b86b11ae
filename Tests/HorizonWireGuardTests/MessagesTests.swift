import HorizonCore
import HorizonCrypto
@testable import HorizonWireGuard
import Testing
import HorizonTestKit

@Suite struct MessagesTests {
    typealias F = HandshakeFixtures

    static let initiation = HandshakeInitiation(
        senderIndex: 0x0102_0304, ephemeral: PublicKey(raw: Bytes32(Array(repeating: 0xEE, count: 32))!),
        encryptedStatic: Array(repeating: 0x55, count: 48), encryptedTimestamp: Array(repeating: 0x77, count: 28),
        mac1: Bytes16(Array(repeating: 0x11, count: 16))!, mac2: Bytes16(Array(repeating: 0x22, count: 16))!)
    static let response = HandshakeResponse(
        senderIndex: 0xA0B0_C0D0, receiverIndex: 0x0102_0304, ephemeral: PublicKey(raw: Bytes32(Array(repeating: 0xDD, count: 32))!),
        encryptedNothing: Bytes16(Array(repeating: 0x33, count: 16))!,
        mac1: Bytes16(Array(repeating: 0x11, count: 16))!, mac2: .zero)
    static let cookieReply = CookieReply(
        receiverIndex: 0x0102_0304, nonce: Array(repeating: 0x44, count: 24), encryptedCookie: Array(repeating: 0x66, count: 32))

    /// Exact sizes and little-endian layout (WireGuard paper §5.4.2, 5.4.3, 5.4.7).
    @Test func initiationLayout() throws {
        let bytes = Self.initiation.serialized()
        #expect(bytes.count == 148)
        #expect(Array(bytes[0..<8]) == [1, 0, 0, 0, 0x04, 0x03, 0x02, 0x01])
        #expect(bytes[8..<40].allSatisfy { $0 == 0xEE } && bytes[40..<88].allSatisfy { $0 == 0x55 })
        #expect(bytes[88..<116].allSatisfy { $0 == 0x77 } && bytes[116..<132].allSatisfy { $0 == 0x11 })
        #expect(bytes[132..<148].allSatisfy { $0 == 0x22 })
        #expect(try #require(HandshakeInitiation(bytes)) == Self.initiation)
    }

    @Test func responseLayout() throws {
        let bytes = Self.response.serialized()
        #expect(bytes.count == 92)
        #expect(Array(bytes[0..<12]) == [2, 0, 0, 0, 0xD0, 0xC0, 0xB0, 0xA0, 0x04, 0x03, 0x02, 0x01])
        #expect(bytes[12..<44].allSatisfy { $0 == 0xDD } && bytes[44..<60].allSatisfy { $0 == 0x33 })
        #expect(bytes[60..<76].allSatisfy { $0 == 0x11 } && bytes[76..<92].allSatisfy { $0 == 0 })
        #expect(try #require(HandshakeResponse(bytes)) == Self.response)
    }

    @Test func cookieReplyLayout() throws {
        let bytes = Self.cookieReply.serialized()
        #expect(bytes.count == 64)
        #expect(Array(bytes[0..<8]) == [3, 0, 0, 0, 0x04, 0x03, 0x02, 0x01])
        #expect(bytes[8..<32].allSatisfy { $0 == 0x44 } && bytes[32..<64].allSatisfy { $0 == 0x66 })
        #expect(try #require(CookieReply(bytes)) == Self.cookieReply)
    }

    @Test func transportHeaderLayoutAndMinimumSize() throws {
        var packet = [UInt8](repeating: 0xAB, count: TransportHeader.minimumPacketSize)
        let header = TransportHeader(receiverIndex: 0x0102_0304, counter: 0x1122_3344_5566_7788)
        packet.withUnsafeMutableBytes { header.write(to: $0.baseAddress!) }
        #expect(Array(packet[0..<16]) == [4, 0, 0, 0, 0x04, 0x03, 0x02, 0x01, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11])
        #expect(packet.withUnsafeBytes { TransportHeader(packet: $0) } == header)
        // A header without room for a tag is not a transport packet.
        #expect(packet.dropLast().withUnsafeBytes { TransportHeader(packet: UnsafeRawBufferPointer($0)) } == nil)
    }

    /// Parsers accept only their exact size.
    @Test func wrongSizesAreRejected() {
        let initiation = Self.initiation.serialized(), response = Self.response.serialized(), reply = Self.cookieReply.serialized()
        #expect(HandshakeInitiation(Array(initiation.dropLast())) == nil)
        #expect(HandshakeInitiation(initiation + [0]) == nil)
        #expect(HandshakeResponse(Array(response.dropLast())) == nil)
        #expect(HandshakeResponse(response + [0]) == nil)
        #expect(CookieReply(Array(reply.dropLast())) == nil)
        #expect(CookieReply(reply + [0]) == nil)
        #expect(HandshakeInitiation([UInt8]()) == nil)
    }

    /// Each byte of the reserved field, and a foreign type, make a message unparseable.
    @Test(arguments: [1, 2, 3])
    func nonZeroReservedBytesAreRejected(offset: Int) {
        var initiation = Self.initiation.serialized(), response = Self.response.serialized()
        var reply = Self.cookieReply.serialized(), transport = [UInt8](repeating: 0, count: 32)
        transport[0] = 4
        for i in [offset] {
            initiation[i] = 1; response[i] = 1; reply[i] = 1; transport[i] = 1
        }
        #expect(HandshakeInitiation(initiation) == nil)
        #expect(HandshakeResponse(response) == nil)
        #expect(CookieReply(reply) == nil)
        #expect(transport.withUnsafeBytes { TransportHeader(packet: $0) } == nil)
        #expect(initiation.withUnsafeBytes { MessageType(datagram: $0) } == nil)
    }

    @Test func typeMustMatchTheParser() {
        var asResponse = Self.initiation.serialized()
        asResponse[0] = 2
        #expect(HandshakeInitiation(asResponse) == nil)
        var typeFive = Self.cookieReply.serialized()
        typeFive[0] = 5
        #expect(CookieReply(typeFive) == nil)
        #expect(typeFive.withUnsafeBytes { MessageType(datagram: $0) } == nil)
        #expect([UInt8]([1, 0, 0]).withUnsafeBytes { MessageType(datagram: $0) } == nil)
        #expect([UInt8]([3, 0, 0, 0]).withUnsafeBytes { MessageType(datagram: $0) } == .cookieReply)
    }

    /// Random datagrams of every size up to 200 bytes (bounded, seeded): parsers return
    /// nil or a value that serializes back to the same bytes, and never trap.
    @Test func arbitraryInputNeverCrashesAndParsedValuesRoundTrip() {
        var rng = SplitMix64(seed: 2024)
        for length in 0...200 {
            for round in 0..<20 {
                var datagram = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
                if length >= 4, round % 2 == 0 {
                    // Half the time give it a valid header so parsing gets past the type check.
                    datagram[0] = UInt8(1 + round % 8 / 2); datagram[1] = 0; datagram[2] = 0; datagram[3] = 0
                }
                if let m = HandshakeInitiation(datagram) { #expect(m.serialized() == datagram) }
                if let m = HandshakeResponse(datagram) { #expect(m.serialized() == datagram) }
                if let m = CookieReply(datagram) { #expect(m.serialized() == datagram) }
                if let h = datagram.withUnsafeBytes({ TransportHeader(packet: $0) }) {
                    var out = [UInt8](repeating: 0, count: 16)
                    out.withUnsafeMutableBytes { h.write(to: $0.baseAddress!) }
                    #expect(out == Array(datagram.prefix(16)))
                }
            }
        }
    }
}
