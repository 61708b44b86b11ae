import HorizonCore
import HorizonUDP
import Testing
@testable import HorizonNAT

/// Malformed messages come back as typed errors, never traps.
@Suite struct STUNBadInputTests {
    static let good = STUNMessage(type: .bindingSuccess, transactionID: STUNTransactionID(high: 1, low: 2),
                                  attributes: [.xorMappedAddress(UDPAddress(ip: IPAddress("10.0.0.1")!, port: 9))])
        .encoded(fingerprint: true)

    static func expect(_ bytes: [UInt8], fails error: STUNParseError, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(throws: error, sourceLocation: sourceLocation) { try STUNReceivedMessage.parse(bytes) }
    }

    @Test func headerProblems() {
        Self.expect([], fails: .tooShort)
        Self.expect(Array(Self.good.prefix(19)), fails: .tooShort)
        var topBits = Self.good
        topBits[0] |= 0x80
        Self.expect(topBits, fails: .notSTUN)
        var cookie = Self.good
        cookie[5] ^= 1
        Self.expect(cookie, fails: .notSTUN)
        Self.expect(Self.good + [0, 0, 0, 0], fails: .lengthMismatch)
        var odd = Self.good
        odd[3] += 1
        Self.expect(odd, fails: .lengthMismatch)
    }

    @Test func attributeProblems() {
        var header = Array(Self.good.prefix(20))
        header.storeBigEndian(8, at: 2)
        // An attribute claiming 8 bytes of value where 4 remain.
        Self.expect(header + [0x00, 0x20, 0x00, 0x08, 0, 1, 0, 0], fails: .truncatedAttribute(at: 20))
        // XOR-MAPPED-ADDRESS with family 3.
        Self.expect(header + [0x00, 0x20, 0x00, 0x04, 0, 3, 0, 0], fails: .malformedAttribute(.xorMappedAddress))
        // IPv4 family with an IPv6-sized value.
        var long = Array(Self.good.prefix(20))
        long.storeBigEndian(24, at: 2)
        Self.expect(long + [0x00, 0x01, 0x00, 0x14, 0, 1] + [UInt8](repeating: 0, count: 18), fails: .malformedAttribute(.mappedAddress))
        // Invalid UTF-8 in USERNAME, error class 7, ICE-CONTROLLED of 4 bytes.
        Self.expect(header + [0x00, 0x06, 0x00, 0x02, 0xC3, 0x28, 0, 0], fails: .malformedAttribute(.username))
        Self.expect(header + [0x00, 0x09, 0x00, 0x04, 0, 0, 7, 0], fails: .malformedAttribute(.errorCode))
        Self.expect(header + [0x80, 0x29, 0x00, 0x04, 1, 2, 3, 4], fails: .malformedAttribute(.iceControlled))
        // Something after FINGERPRINT.
        var after = Self.good + [0x80, 0x22, 0x00, 0x00]
        STUNMessage.setLength(ofMessageEndingAt: after.count, in: &after)
        Self.expect(after, fails: .attributeAfterFingerprint)
    }

    @Test func tooLongUsernameIsRefused() {
        let bytes = STUNMessage(type: .bindingRequest, attributes: [.username(String(repeating: "x", count: 513))]).encoded()
        Self.expect(bytes, fails: .malformedAttribute(.username))
    }

    /// With FINGERPRINT, every proper prefix and every single-byte corruption of a valid
    /// message is refused (a small deterministic cousin of the fuzz target). The one
    /// exception is by design: a corrupted FINGERPRINT *type* turns it into an attribute
    /// after MESSAGE-INTEGRITY, which receivers ignore, so the message just has no fingerprint.
    @Test func everyPrefixAndCorruptionIsRefused() {
        let key = STUNIntegrityKey(bytes: [1])
        let message = STUNMessage(type: .bindingRequest, transactionID: STUNTransactionID(high: 3, low: 4),
                                  attributes: STUNCodecTests.everyAttribute).encoded(integrity: key, fingerprint: true)
        #expect((try? STUNReceivedMessage.parse(message))?.hasFingerprint == true)
        var accepted = 0
        for length in 0..<message.count where (try? STUNReceivedMessage.parse(Array(message.prefix(length)))) != nil {
            accepted += 1
        }
        #expect(accepted == 0)
        let fingerprintType = (message.count - 8)..<(message.count - 6)
        for index in message.indices {
            for flip: UInt8 in [0x01, 0x80, 0xFF] {
                var bytes = message
                bytes[index] ^= flip
                guard let parsed = try? STUNReceivedMessage.parse(bytes) else { continue }
                #expect(fingerprintType.contains(index) && !parsed.hasFingerprint && parsed.verifyIntegrity(key: key),
                        "corruption at byte \(index) accepted")
            }
        }
    }
}
