/// The heartbeat body nodes send every few seconds — `load`, `peerCount`, `rxBytes`,
/// `txBytes` and `health`, in any order, nothing else — read straight from its bytes
/// (Foundation's `JSONDecoder` alone was about 6% of a heartbeat in a profile on SQLite).
///
/// It takes only that plain shape: no other or repeated member (so no `endpoints`), no escape
/// in a string, whole numbers as plain digits, `load` without an exponent. Anything else is
/// nil, and the generated decoder reads it or refuses it with the documented error, so every
/// body taken here is one the generated decoder takes with the same values.
struct HeartbeatBodyReader {
    private let bytes: UnsafeRawBufferPointer
    private var index = 0

    static func read(_ bytes: UnsafeRawBufferPointer) -> ServerPresence.Report? {
        var reader = HeartbeatBodyReader(bytes: bytes)
        return reader.heartbeat()
    }

    private init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    private mutating func heartbeat() -> ServerPresence.Report? {
        var load: Double?, peerCount: Int64?, rxBytes: Int64?, txBytes: Int64?, health: Node.Health?
        skipSpace()
        guard take(UInt8(ascii: "{")) else { return nil }
        repeat {
            skipSpace()
            guard let key = string() else { return nil }
            skipSpace()
            guard take(UInt8(ascii: ":")) else { return nil }
            skipSpace()
            switch key {
            case _ where key.elementsEqual("load".utf8) && load == nil: load = fraction()
            case _ where key.elementsEqual("peerCount".utf8) && peerCount == nil: peerCount = integer()
            case _ where key.elementsEqual("rxBytes".utf8) && rxBytes == nil: rxBytes = integer()
            case _ where key.elementsEqual("txBytes".utf8) && txBytes == nil: txBytes = integer()
            case _ where key.elementsEqual("health".utf8) && health == nil: health = self.health()
            default: return nil
            }
            skipSpace()
        } while take(UInt8(ascii: ","))
        guard take(UInt8(ascii: "}")) else { return nil }
        skipSpace()
        guard index == bytes.count, let load, let peerCount, let rxBytes, let txBytes, let health,
              let count = Int(exactly: peerCount) else { return nil }
        return ServerPresence.Report(load: load, peerCount: count, rxBytes: rxBytes, txBytes: txBytes, health: health)
    }

    private var next: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func take(_ byte: UInt8) -> Bool {
        guard next == byte else { return false }
        index += 1
        return true
    }

    /// JSON's insignificant whitespace.
    private mutating func skipSpace() {
        while let byte = next, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
    }

    /// A string's bytes between its quotes; nil if it holds an escape or a control character.
    private mutating func string() -> Slice<UnsafeRawBufferPointer>? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = index
        while let byte = next {
            if byte == UInt8(ascii: "\"") {
                index += 1
                return bytes[start..<index - 1]
            }
            guard byte != UInt8(ascii: "\\"), byte >= 0x20 else { return nil }
            index += 1
        }
        return nil
    }

    private mutating func health() -> Node.Health? {
        string().flatMap { Node.Health(rawValue: String(decoding: $0, as: UTF8.self)) }
    }

    /// `-?(0|[1-9][0-9]*)` within Int64, not followed by a fraction or exponent.
    private mutating func integer() -> Int64? {
        let negative = take(UInt8(ascii: "-"))
        let start = index
        var magnitude: UInt64 = 0
        while let byte = next, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
            let (times10, overflow) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, carry) = times10.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            guard !overflow, !carry, sum <= UInt64(Int64.max) else { return nil }
            magnitude = sum
            index += 1
        }
        let digits = index - start
        guard digits > 0, digits == 1 || bytes[start] != UInt8(ascii: "0") else { return nil }
        if let byte = next, byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") { return nil }
        return negative ? -Int64(magnitude) : Int64(magnitude)
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?`, at most 32 characters, as the nearest Double.
    private mutating func fraction() -> Double? {
        let start = index
        _ = take(UInt8(ascii: "-"))
        let integerStart = index
        skipDigits()
        let integerDigits = index - integerStart
        guard integerDigits > 0, integerDigits == 1 || bytes[integerStart] != UInt8(ascii: "0") else { return nil }
        if take(UInt8(ascii: ".")) {
            let fractionStart = index
            skipDigits()
            guard index > fractionStart else { return nil }
        }
        if let byte = next, byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") { return nil }
        guard index - start <= 32 else { return nil }
        return Double(String(decoding: bytes[start..<index], as: UTF8.self))
    }

    private mutating func skipDigits() {
        while let byte = next, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { index += 1 }
    }
}
