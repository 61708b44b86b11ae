@testable import HorizonDiscovery
import Testing

/// The DNS codec on messages as mDNS responders send them: compressed names, the cache-flush
/// and unicast-response bits in class fields, and malformed input that must be refused.
@Suite struct DNSMessageTests {
    /// An announcement as Avahi sends it for a printer: PTR, SRV, TXT and A in one response,
    /// every name after the first compressed against earlier ones (RFC 1035 §4.1.4).
    static let printerAnnouncement: [UInt8] = {
        var b: [UInt8] = [0, 0, 0x84, 0x00, 0, 0, 0, 4, 0, 0, 0, 0]
        // answer 1 @12: _ipp._tcp.local PTR "Office Printer._ipp._tcp.local"
        b += [4] + Array("_ipp".utf8) + [4] + Array("_tcp".utf8) + [5] + Array("local".utf8) + [0]
        b += [0, 12, 0, 1, 0, 0, 0x11, 0x94]                       // PTR IN ttl 4500
        let instance = Array("Office Printer".utf8)
        b += [0, UInt8(instance.count + 3)] + [UInt8(instance.count)] + instance + [0xC0, 12]
        let instanceOffset = 12 + 17 + 10                            // where that name starts
        // answer 2: instance SRV 0 0 631 printer.local (cache-flush bit set)
        b += [0xC0, UInt8(instanceOffset), 0, 33, 0x80, 1, 0, 0, 0, 120]
        let host = [7] + Array("printer".utf8)
        b += [0, UInt8(6 + host.count + 2)] + [0, 0, 0, 0, 0x02, 0x77] + host + [0xC0, 22]
        let hostOffset = b.count - host.count - 2
        // answer 3: instance TXT "rp=ipp/print" "note=2nd floor"
        b += [0xC0, UInt8(instanceOffset), 0, 16, 0x80, 1, 0, 0, 0x11, 0x94]
        let txt = [[UInt8]](arrayLiteral: Array("rp=ipp/print".utf8), Array("note=2nd floor".utf8))
        b += [0, UInt8(txt.reduce(0) { $0 + $1.count + 1 })] + txt.flatMap { [UInt8($0.count)] + $0 }
        // answer 4: printer.local A 10.89.0.7
        b += [0xC0, UInt8(hostOffset), 0, 1, 0x80, 1, 0, 0, 0, 120, 0, 4, 10, 89, 0, 7]
        return b
    }()

    @Test func parsesACompressedAnnouncement() throws {
        let message = try #require(DNSMessage.parse(Self.printerAnnouncement))
        #expect(message.isResponse && message.questions.isEmpty && message.records.count == 4)
        #expect(message.records[0] == .init(name: DNSName("_ipp._tcp.local"), ttl: 4500, data: .ptr(DNSName("Office Printer._ipp._tcp.local"))))
        #expect(message.records[1].data == .srv(priority: 0, weight: 0, port: 631, target: DNSName("printer.local")))
        #expect(message.records[1].name.labels == ["Office Printer", "_ipp", "_tcp", "local"])
        #expect(message.records[2].data == .txt(["rp=ipp/print", "note=2nd floor"]))
        #expect(message.records[3] == .init(name: DNSName("printer.local"), ttl: 120, data: .a([10, 89, 0, 7])))
    }

    @Test func encodesWhatItParses() throws {
        let message = try #require(DNSMessage.parse(Self.printerAnnouncement))
        let again = try #require(DNSMessage.parse(message.bytes))
        #expect(again == message)
        let query = try #require(DNSMessage.parse(DNSMessage.browseQuery.bytes))
        #expect(!query.isResponse && query.questions == DNSMessage.browseQuery.questions && query.records.isEmpty)
    }

    @Test func refusesMalformedMessages() {
        let valid = Self.printerAnnouncement
        #expect(DNSMessage.parse(Array(valid.prefix(11))) == nil, "short header")
        for cut in stride(from: 13, to: valid.count, by: 7) {
            #expect(DNSMessage.parse(Array(valid.prefix(cut))) == nil, "truncated at \(cut)")
        }
        // A name that points at itself, one that points forward, a reserved label type.
        let header: [UInt8] = [0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]
        #expect(DNSMessage.parse(header + [0xC0, 12, 0, 1, 0, 1]) == nil)
        #expect(DNSMessage.parse(header + [0xC0, 14, 0, 0, 1, 0, 1]) == nil)
        #expect(DNSMessage.parse(header + [0x40, 0, 0, 1, 0, 1]) == nil)
        // A record whose data claims more bytes than the message has.
        var long = valid
        long[12 + 17 + 8 + 1] = 200
        #expect(DNSMessage.parse(long) == nil)
        // A name longer than 255 bytes.
        let label = [63] + [UInt8](repeating: 0x61, count: 63)
        #expect(DNSMessage.parse(header + label + label + label + label + [0, 0, 1, 0, 1]) == nil)
    }

    /// Found by FuzzDNSMessage: labels of invalid UTF-8 decode to U+FFFD, three bytes each, so
    /// a name within 255 bytes on the wire came out longer on re-encoding and no longer parsed.
    @Test func namesOfInvalidUTF8EncodeToWhatParsesAgain() throws {
        let header: [UInt8] = [0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]
        let invalid = [40] + [UInt8](repeating: 0xE3, count: 40)
        // 3 × 41 bytes on the wire, 3 × 121 decoded: refused, as the re-encoding would be.
        #expect(DNSMessage.parse(header + invalid + invalid + invalid + [0, 0, 12, 0, 1]) == nil)
        let message = try #require(DNSMessage.parse(header + invalid + [0, 0, 12, 0, 1]))
        let again = try #require(DNSMessage.parse(message.bytes))
        // The 120-byte label is cut to 63 bytes between characters: 21 replacement characters.
        #expect(again.questions.first?.name.labels == [String(repeating: "\u{FFFD}", count: 21)])
    }
}
