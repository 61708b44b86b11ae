import HorizonCore

/// Parsers for single configuration values. Each failure names the value and what was
/// expected; the file parser adds the file, line and key in front.
enum ConfigValue {
    struct Invalid: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }

    /// A base64 key. The text is never echoed: it may be a secret.
    static func key<K: WireGuardKey>(_ text: Substring) throws(Invalid) -> K {
        guard let key = K(base64: String(text)) else {
            throw Invalid("not a valid key (expected 44 characters of base64, as `wg genkey` prints)")
        }
        return key
    }

    static func port(_ text: Substring) throws(Invalid) -> UInt16 {
        guard let port = DecimalText.parse(text, limit: 65535) else {
            throw Invalid("'\(text)' is not a port number (0-65535)")
        }
        return UInt16(port)
    }

    /// "off", decimal or 0x-hexadecimal, as wg accepts; 0 is off too.
    static func fwMark(_ text: Substring) throws(Invalid) -> UInt32? {
        let value: UInt64?
        if text.lowercased() == "off" {
            value = 0
        } else if text.lowercased().hasPrefix("0x") {
            let digits = text.dropFirst(2)
            value = digits.allSatisfy(\.isHexDigit) ? UInt64(digits, radix: 16).flatMap { $0 <= UInt32.max ? $0 : nil } : nil
        } else {
            value = DecimalText.parse(text, limit: UInt64(UInt32.max))
        }
        guard let value else { throw Invalid("'\(text)' is not a firewall mark (a 32-bit number, 0x-hex, or off)") }
        return value == 0 ? nil : UInt32(value)
    }

    static func prefixes(_ text: Substring) throws(Invalid) -> [IPPrefix] {
        var result: [IPPrefix] = []
        for item in try list(text) {
            do {
                result.append(try IPPrefix.parse(String(item)))
            } catch {
                switch error {
                case .badAddress: throw Invalid("'\(item)' is not an IP address or prefix")
                case .badLength: throw Invalid("'\(item)' is not a valid prefix length")
                }
            }
        }
        return result
    }

    static func dns(_ text: Substring) throws(Invalid) -> [WireGuardConfig.DNSEntry] {
        var result: [WireGuardConfig.DNSEntry] = []
        for item in try list(text) {
            if let address = IPAddress(String(item)) {
                result.append(.server(address))
            } else if isDomainName(item) {
                result.append(.searchDomain(String(item)))
            } else {
                throw Invalid("'\(item)' is neither an IP address nor a search domain")
            }
        }
        return result
    }

    /// 68 is the smallest MTU IPv4 allows.
    static func mtu(_ text: Substring) throws(Invalid) -> Int {
        guard let mtu = DecimalText.parse(text, limit: 65535), mtu >= 68 else {
            throw Invalid("'\(text)' is not an MTU (68-65535)")
        }
        return Int(mtu)
    }

    static func table(_ text: Substring) throws(Invalid) -> WireGuardConfig.RoutingTable {
        switch text.lowercased() {
        case "off": return .off
        case "auto": return .auto
        default: break
        }
        if let id = DecimalText.parse(text, limit: UInt64(UInt32.max)) { return .id(UInt32(id)) }
        guard text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) else {
            throw Invalid("'\(text)' is not a routing table (off, auto, a number or a table name)")
        }
        return .name(String(text))
    }

    static func bool(_ text: Substring) throws(Invalid) -> Bool {
        switch text.lowercased() {
        case "true": return true
        case "false": return false
        default: throw Invalid("'\(text)' is neither true nor false")
        }
    }

    static func endpoint(_ text: Substring) throws(Invalid) -> Endpoint {
        do {
            return try Endpoint.parse(String(text))
        } catch {
            throw Invalid(error.description)
        }
    }

    /// Seconds, or "off"; 0 is off too.
    static func keepalive(_ text: Substring) throws(Invalid) -> UInt16? {
        if text.lowercased() == "off" { return nil }
        guard let seconds = DecimalText.parse(text, limit: 65535) else {
            throw Invalid("'\(text)' is not a keepalive interval (seconds 1-65535, or off)")
        }
        return seconds == 0 ? nil : UInt16(seconds)
    }

    /// Dot-separated labels of letters, digits and inner hyphens (RFC 1123).
    private static func isDomainName(_ name: Substring) -> Bool {
        guard name.utf8.count <= 253 else { return false }
        return name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            (1...63).contains(label.count) && label.first != "-" && label.last != "-"
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
    }

    /// Comma-separated items with spaces around them; an empty value is an empty list, an
    /// empty item (a doubled or trailing comma) is a mistake.
    static func list(_ text: Substring) throws(Invalid) -> [Substring] {
        guard !text.isEmpty else { return [] }
        let items = text.split(separator: ",", omittingEmptySubsequences: false).map(ConfigText.trimmed)
        guard !items.contains(where: \.isEmpty) else { throw Invalid("empty entry in the list '\(text)'") }
        return items
    }
}
