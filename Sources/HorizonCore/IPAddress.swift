#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 address, held as a host-order integer so prefixes are plain bit operations.
public struct IPv4Address: Hashable, Sendable, Comparable, LosslessStringConvertible {
    public var value: UInt32

    public init(_ value: UInt32) { self.value = value }

    public init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) {
        value = UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d)
    }

    /// Dotted quad only ("10.0.0.1"); inet_pton rejects shorthand such as "10.1".
    public init?(_ text: String) {
        var addr = in_addr()
        guard inet_pton(AF_INET, text, &addr) == 1 else { return nil }
        value = UInt32(bigEndian: addr.s_addr)
    }

    public var octets: [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    public var description: String { octets.map(String.init).joined(separator: ".") }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.value < rhs.value }
}

/// An IPv6 address as two host-order 64-bit halves.
public struct IPv6Address: Hashable, Sendable, Comparable, LosslessStringConvertible {
    public var high: UInt64
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    public init?(_ text: String) {
        var addr = in6_addr()
        guard inet_pton(AF_INET6, text, &addr) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &addr) { Array($0) }
        self.init(bytes: bytes)
    }

    /// From 16 network-order bytes.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 16 else { return nil }
        high = bytes[0..<8].reduce(0) { $0 << 8 | UInt64($1) }
        low = bytes[8..<16].reduce(0) { $0 << 8 | UInt64($1) }
    }

    public var bytes: [UInt8] {
        (0..<8).map { UInt8(high >> (56 - 8 * UInt64($0)) & 0xFF) }
            + (0..<8).map { UInt8(low >> (56 - 8 * UInt64($0)) & 0xFF) }
    }

    /// RFC 5952 text form (inet_ntop compresses the longest zero run).
    public var description: String {
        var addr = in6_addr()
        withUnsafeMutableBytes(of: &addr) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
        }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, &addr, &buffer, socklen_t(buffer.count)) != nil else { return "::" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { (lhs.high, lhs.low) < (rhs.high, rhs.low) }
}

/// Either family. Parsing accepts both textual forms.
public enum IPAddress: Hashable, Sendable, LosslessStringConvertible {
    case v4(IPv4Address)
    case v6(IPv6Address)

    public init?(_ text: String) {
        if let v4 = IPv4Address(text) {
            self = .v4(v4)
        } else if let v6 = IPv6Address(text) {
            self = .v6(v6)
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case .v4(let a): a.description
        case .v6(let a): a.description
        }
    }

    public var isIPv4: Bool { if case .v4 = self { true } else { false } }
}
