/// An address with a prefix length ("10.0.0.0/24", "fd00::/64"), as used for interface
/// addresses, routes and WireGuard allowed IPs.
public struct IPPrefix: Hashable, Sendable, LosslessStringConvertible {
    public let address: IPAddress
    public let length: Int

    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case badAddress(String)
        case badLength(String)

        public var description: String {
            switch self {
            case .badAddress(let s): "'\(s)' is not an IPv4 or IPv6 address"
            case .badLength(let s): "'\(s)' is not a valid prefix length"
            }
        }
    }

    public init(address: IPAddress, length: Int) {
        precondition(length >= 0 && length <= address.maxPrefixLength, "prefix length out of range")
        self.address = address
        self.length = length
    }

    /// Parses "ADDR/LEN" or a bare address (a host prefix: /32 or /128).
    public static func parse(_ text: String) throws(ParseError) -> IPPrefix {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(String(parts[0])) else { throw .badAddress(String(parts[0])) }
        guard parts.count == 2 else { return IPPrefix(address: address, length: address.maxPrefixLength) }
        let lengthText = String(parts[1])
        guard lengthText.allSatisfy(\.isASCIIDigit), lengthText.count <= 3,
              let length = Int(lengthText), length <= address.maxPrefixLength
        else { throw .badLength(lengthText) }
        return IPPrefix(address: address, length: length)
    }

    public init?(_ description: String) {
        guard let p = try? Self.parse(description) else { return nil }
        self = p
    }

    public var description: String { "\(address)/\(length)" }

    /// The prefix with host bits cleared ("10.0.0.7/24" → "10.0.0.0/24").
    public var masked: IPPrefix {
        switch address {
        case .v4(let a):
            return IPPrefix(address: .v4(IPv4Address(a.value & Self.mask32(length))), length: length)
        case .v6(let a):
            let (mh, ml) = Self.mask128(length)
            return IPPrefix(address: .v6(IPv6Address(high: a.high & mh, low: a.low & ml)), length: length)
        }
    }

    public func contains(_ other: IPAddress) -> Bool {
        switch (address, other) {
        case (.v4(let p), .v4(let a)):
            let m = Self.mask32(length)
            return p.value & m == a.value & m
        case (.v6(let p), .v6(let a)):
            let (mh, ml) = Self.mask128(length)
            return p.high & mh == a.high & mh && p.low & ml == a.low & ml
        default:
            return false
        }
    }

    static func mask32(_ length: Int) -> UInt32 {
        length == 0 ? 0 : UInt32.max << UInt32(32 - length)
    }

    static func mask128(_ length: Int) -> (UInt64, UInt64) {
        if length <= 64 {
            return (length == 0 ? 0 : UInt64.max << UInt64(64 - length), 0)
        }
        return (UInt64.max, UInt64.max << UInt64(128 - length))
    }
}

extension IPAddress {
    public var maxPrefixLength: Int { isIPv4 ? 32 : 128 }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
