extension DNSMessage {
    /// The message in `bytes`, or nil when it is not a well-formed DNS message (truncated,
    /// a name pointer loop or out of bounds, a record longer than the message, ...).
    public static func parse(_ bytes: [UInt8]) -> DNSMessage? {
        var reader = DNSReader(bytes: bytes)
        guard let id = reader.u16(), let flags = reader.u16(), let qd = reader.u16(), let an = reader.u16(),
              let ns = reader.u16(), let ar = reader.u16() else { return nil }
        var message = DNSMessage(id: id, isResponse: flags & 0x8000 != 0)
        for _ in 0..<qd {
            guard let name = reader.name(), let type = reader.u16(), let klass = reader.u16() else { return nil }
            message.questions.append(Question(name: name, type: type, unicastResponse: klass & 0x8000 != 0))
        }
        for _ in 0..<(Int(an) + Int(ns) + Int(ar)) {
            guard let record = reader.record() else { return nil }
            message.records.append(record)
        }
        return message
    }
}

/// A cursor over a DNS message; every read checks bounds and answers nil past the end.
struct DNSReader {
    let bytes: [UInt8]
    var offset = 0

    mutating func u8() -> UInt8? {
        guard offset < bytes.count else { return nil }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func u16() -> UInt16? {
        guard let high = u8(), let low = u8() else { return nil }
        return UInt16(high) << 8 | UInt16(low)
    }

    mutating func u32() -> UInt32? {
        guard let high = u16(), let low = u16() else { return nil }
        return UInt32(high) << 16 | UInt32(low)
    }

    mutating func take(_ count: Int) -> [UInt8]? {
        guard count >= 0, offset + count <= bytes.count else { return nil }
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }

    /// A name at the cursor, following compression pointers (RFC 1035 §4.1.4); the cursor
    /// ends after the name's bytes here, not after what a pointer led to.
    mutating func name() -> DNSName? {
        var labels: [String] = []
        var length = 0
        var position = offset
        var resume: Int?
        var jumps = 0
        while true {
            guard position < bytes.count else { return nil }
            let byte = bytes[position]
            switch byte & 0xC0 {
            case 0x00:
                position += 1
                if byte == 0 {
                    offset = resume ?? position
                    return DNSName(labels: labels)
                }
                let count = Int(byte)
                guard position + count <= bytes.count else { return nil }
                let label = String(decoding: bytes[position..<(position + count)], as: UTF8.self)
                // The limit holds for what the name encodes to again: invalid UTF-8 decodes
                // to U+FFFD, three bytes for each bad one.
                length += label.utf8.count + 1
                guard length <= DNSName.maxLength else { return nil }
                labels.append(label)
                position += count
            case 0xC0:
                guard position + 1 < bytes.count, jumps < DNSName.maxPointerJumps else { return nil }
                let target = Int(byte & 0x3F) << 8 | Int(bytes[position + 1])
                if resume == nil { resume = position + 2 }
                // Only backwards: a pointer forward or to itself could loop.
                guard target < position else { return nil }
                position = target
                jumps += 1
            default:
                return nil  // 0x40 and 0x80 label types are obsolete or reserved
            }
        }
    }

    mutating func record() -> DNSMessage.Record? {
        guard let owner = name(), let type = u16(), u16() != nil, let ttl = u32(), let length = u16() else { return nil }
        let end = offset + Int(length)
        guard end <= bytes.count else { return nil }
        let data: DNSMessage.RecordData
        switch type {
        case DNSMessage.RecordType.a where length == 4:
            data = .a(take(4)!)
        case DNSMessage.RecordType.aaaa where length == 16:
            data = .aaaa(take(16)!)
        case DNSMessage.RecordType.ptr:
            guard let target = name() else { return nil }
            data = .ptr(target)
        case DNSMessage.RecordType.srv:
            guard let priority = u16(), let weight = u16(), let port = u16(), let target = name() else { return nil }
            data = .srv(priority: priority, weight: weight, port: port, target: target)
        case DNSMessage.RecordType.txt:
            var strings: [String] = []
            while offset < end {
                guard let count = u8(), let text = take(Int(count)), offset <= end else { return nil }
                strings.append(String(decoding: text, as: UTF8.self))
            }
            data = .txt(strings)
        default:
            data = .other(type: type)
        }
        // Names inside the data may not run past it.
        guard offset <= end else { return nil }
        offset = end
        return DNSMessage.Record(name: owner, ttl: ttl, data: data)
    }
}
