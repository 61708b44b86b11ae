import Foundation
import HorizonCore

/// The address arithmetic of one network, without a store: which host indices exist,
/// which are reserved, and the IPv4 and IPv6 address of each index.
///
/// Index 0 is the IPv4 network address (and the IPv6 subnet-router anycast address), the
/// last IPv4 index is the broadcast address, and index 1 is kept for the network's gateway
/// (`10.x.y.1`, `fd…::1`). Nodes get indices 2 … size − 2, the same index in both families.
struct NetworkPlan: Sendable, Equatable {
    /// Shortest and longest IPv4 prefixes a network may have: /30 still leaves one node address.
    static let ipv4LengthRange = 8...30
    static let gatewayIndex = 1

    let ipv4: IPPrefix
    let ipv6: IPPrefix

    init(ipv4CIDR: String, ipv6Prefix: String?) throws {
        ipv4 = try Self.parseIPv4(ipv4CIDR)
        if let ipv6Prefix {
            ipv6 = try Self.parseIPv6(ipv6Prefix)
        } else {
            ipv6 = Self.randomULA()
        }
    }

    /// Number of IPv4 addresses in the subnet.
    var size: Int { 1 << (32 - ipv4.length) }
    var firstNodeIndex: Int { 2 }
    var lastNodeIndex: Int { size - 2 }
    /// How many nodes fit.
    var capacity: Int { max(0, lastNodeIndex - firstNodeIndex + 1) }

    func ipv4Address(_ index: Int) -> IPv4Address {
        guard case .v4(let base) = ipv4.address else { preconditionFailure("validated as IPv4") }
        return IPv4Address(base.value + UInt32(index))
    }

    func ipv6Address(_ index: Int) -> IPv6Address {
        guard case .v6(let base) = ipv6.address else { preconditionFailure("validated as IPv6") }
        return IPv6Address(high: base.high, low: UInt64(index))
    }

    var gatewayIPv4: IPv4Address { ipv4Address(Self.gatewayIndex) }
    var gatewayIPv6: IPv6Address { ipv6Address(Self.gatewayIndex) }

    func overlaps(_ other: NetworkPlan) -> Bool {
        let shorter = ipv4.length <= other.ipv4.length ? ipv4 : other.ipv4
        let longer = ipv4.length <= other.ipv4.length ? other.ipv4 : ipv4
        return shorter.contains(longer.address)
    }

    // MARK: - Validation

    static func parseIPv4(_ text: String) throws -> IPPrefix {
        guard text.count <= 64, let prefix = IPPrefix(text), prefix.address.isIPv4, text.contains("/") else {
            throw APIError.badRequest("cidr must be an IPv4 subnet such as 10.20.0.0/24 (got \(text.prefix(64).debugDescription))", code: "invalid_cidr")
        }
        guard ipv4LengthRange.contains(prefix.length) else {
            throw APIError.badRequest("cidr must have a prefix length from /\(ipv4LengthRange.lowerBound) to /\(ipv4LengthRange.upperBound) (got /\(prefix.length))", code: "invalid_cidr")
        }
        guard prefix.masked == prefix else {
            throw APIError.badRequest("cidr \(text) has host bits set; did you mean \(prefix.masked)?", code: "invalid_cidr")
        }
        return prefix
    }

    static let ulaPrefix = IPPrefix(address: .v6(IPv6Address(high: 0xfd00_0000_0000_0000, low: 0)), length: 8)

    static func parseIPv6(_ text: String) throws -> IPPrefix {
        guard text.count <= 64, let prefix = IPPrefix(text), !prefix.address.isIPv4, text.contains("/") else {
            throw APIError.badRequest("ipv6Prefix must be an IPv6 /64 such as fd12:3456:789a:1::/64 (got \(text.prefix(64).debugDescription))", code: "invalid_ipv6_prefix")
        }
        guard prefix.length == 64, ulaPrefix.contains(prefix.address) else {
            throw APIError.badRequest("ipv6Prefix must be a /64 inside the unique local range fd00::/8 (got \(text))", code: "invalid_ipv6_prefix")
        }
        guard prefix.masked == prefix else {
            throw APIError.badRequest("ipv6Prefix \(text) has host bits set; did you mean \(prefix.masked)?", code: "invalid_ipv6_prefix")
        }
        return prefix
    }

    /// RFC 4193: `fd` + a random 40-bit global ID + subnet 0, as a /64.
    static func randomULA() -> IPPrefix {
        var rng = SystemRandomNumberGenerator()
        let globalID = UInt64.random(in: 0..<(1 << 40), using: &rng)
        return IPPrefix(address: .v6(IPv6Address(high: 0xfd << 56 | globalID << 16, low: 0)), length: 64)
    }
}
