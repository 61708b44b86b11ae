/// Unsigned decimal numbers as wg and the UAPI write them: ASCII digits only (no sign, no
/// spaces; leading zeros allowed), nil on anything else or above `limit`.
enum DecimalText {
    static func parse<S: StringProtocol>(_ text: S, limit: UInt64) -> UInt64? {
        guard !text.isEmpty else { return nil }
        var value: UInt64 = 0
        for byte in text.utf8 {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            guard !overflow1, !overflow2, sum <= limit else { return nil }
            value = sum
        }
        return value
    }
}
