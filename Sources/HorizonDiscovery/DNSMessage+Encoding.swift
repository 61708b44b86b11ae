extension DNSMessage {
    /// The message's wire form, names uncompressed (what a query needs; the tests build
    /// announcements with it too). Labels longer than 63 bytes are cut
    /// between characters, so a parsed message encodes to one that parses back the same.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        func u16(_ value: UInt16) { out += [UInt8(value >> 8), UInt8(value & 0xFF)] }
        func u32(_ value: UInt32) { u16(UInt16(value >> 16)); u16(UInt16(value & 0xFFFF)) }
        func name(_ name: DNSName) {
            for label in name.labels {
                var bytes: [UInt8] = []
                for scalar in label.unicodeScalars {
                    guard bytes.count + scalar.utf8.count <= 63 else { break }
                    bytes += scalar.utf8
                }
                out.append(UInt8(bytes.count))
                out += bytes
            }
            out.append(0)
        }
        u16(id)
        u16(isResponse ? 0x8400 : 0)  // a response is authoritative, as mDNS answers are
        u16(UInt16(questions.count)); u16(isResponse ? UInt16(records.count) : 0); u16(0)
        u16(isResponse ? 0 : UInt16(records.count))
        for question in questions {
            name(question.name)
            u16(question.type)
            u16(question.unicastResponse ? 0x8001 : 0x0001)
        }
        for record in records {
            name(record.name)
            var rdata: [UInt8] = []
            let type: UInt16
            swap(&out, &rdata)
            switch record.data {
            case .a(let address): type = RecordType.a; out += address
            case .aaaa(let address): type = RecordType.aaaa; out += address
            case .ptr(let target): type = RecordType.ptr; name(target)
            case .srv(let priority, let weight, let port, let target):
                type = RecordType.srv; u16(priority); u16(weight); u16(port); name(target)
            case .txt(let strings):
                type = RecordType.txt
                for string in strings { let bytes = Array(string.utf8.prefix(255)); out.append(UInt8(bytes.count)); out += bytes }
            case .other(let other): type = other
            }
            swap(&out, &rdata)
            u16(type); u16(0x0001); u32(record.ttl); u16(UInt16(rdata.count))
            out += rdata
        }
        return out
    }

    /// A one-shot query for every service instance on the link (DNS-SD service type
    /// enumeration, RFC 6763 §9), asking for multicast answers.
    public static let browseQuery = DNSMessage(
        isResponse: false, questions: [Question(name: DNSName("_services._dns-sd._udp.local"), type: RecordType.ptr, unicastResponse: false)])
}
