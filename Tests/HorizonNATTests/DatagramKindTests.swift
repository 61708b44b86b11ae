import Testing
@testable import HorizonNAT

@Suite struct DatagramKindTests {
    static func wireGuard(type: UInt8, size: Int) -> [UInt8] {
        // Sender/receiver index right after the header: the magic cookie, the worst case.
        [type, 0, 0, 0, 0x21, 0x12, 0xA4, 0x42] + [UInt8](repeating: 0, count: size - 8)
    }

    @Test func wireGuardMessagesOfEveryType() {
        for (type, size) in [(UInt8(1), 148), (2, 92), (3, 64), (4, 32), (4, 1452)] {
            #expect(DatagramKind.classify(Self.wireGuard(type: type, size: size)) == .wireGuard)
        }
        #expect(DatagramKind.classify(Self.wireGuard(type: 5, size: 148)) == .unknown)
        #expect(DatagramKind.classify([4, 0, 0, 1] + [UInt8](repeating: 0, count: 28)) == .unknown)
        #expect(DatagramKind.classify([4, 0, 0, 0] + [UInt8](repeating: 0, count: 8)) == .unknown)   // too short
    }

    @Test func stunNeedsCookieAndExactLength() {
        let binding = STUNMessage(type: .bindingRequest).encoded(fingerprint: true)
        #expect(DatagramKind.classify(binding) == .stun)
        #expect(DatagramKind.classify(binding + [0, 0, 0, 0]) == .unknown)
        var noCookie = binding
        noCookie[4] = 0
        #expect(DatagramKind.classify(noCookie) == .unknown)
        // A header-only Binding success (type 0x0101) starts with byte 1 like a WireGuard
        // initiation, but its second byte is not 0.
        #expect(DatagramKind.classify(STUNMessage(type: .bindingSuccess).encoded()) == .stun)
    }

    @Test func channelDataAndEmpty() {
        #expect(DatagramKind.classify(TURNChannelData.encode(channel: 0x4000, data: [1, 2, 3])) == .turnChannelData)
        #expect(DatagramKind.classify([0x7F, 0xFF, 0, 0]) == .turnChannelData)
        #expect(DatagramKind.classify([0x80, 0, 0, 0]) == .unknown)
        #expect(DatagramKind.classify([UInt8]()) == .unknown)
    }

    /// No datagram is ever two kinds: checked over every first-8-byte pattern that
    /// matters for sizes around the WireGuard minimum.
    @Test func classesDoNotOverlapForAnyHeader() {
        for first in UInt8(0)...0xFF {
            for second: UInt8 in [0, 1] {
                for length in [20, 32, 36, 148] {
                  for lengthField in Set([0, length - 20]) {
                    var bytes = [UInt8](repeating: 0, count: length)
                    bytes[0] = first
                    bytes[1] = second
                    bytes[2] = UInt8(lengthField >> 8)
                    bytes[3] = UInt8(lengthField & 0xFF)
                    bytes[4...7] = [0x21, 0x12, 0xA4, 0x42]
                    let kind = DatagramKind.classify(bytes)
                    let looksWireGuard = (1...4).contains(first) && second == 0 && bytes[2] == 0 && bytes[3] == 0 && length >= 32
                    #expect((kind == .wireGuard) == looksWireGuard)
                    if kind == .stun { #expect(first & 0xC0 == 0 && !looksWireGuard && lengthField + 20 == length) }
                  }
                }
            }
        }
    }
}
