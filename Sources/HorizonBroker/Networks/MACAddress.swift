import Foundation

/// A member's Ethernet address in an L2 network: locally administered (bit 0x02 of the first
/// octet set) and unicast (bit 0x01 clear), as IEEE 802 reserves for addresses nobody
/// manufactured. Derived from (network, node), so it is the same on every broker and when a
/// node joins again; ``NetworkMembership`` moves to the next attempt when another member
/// of the network already has it.
struct MACAddress: Sendable, Hashable, CustomStringConvertible {
    let octets: [UInt8]

    static func derived(network: UUID, node: UUID, attempt: Int) -> MACAddress {
        var octets = Array(StableDerivation.digest("horizon-member-mac-v1", [network, node], attempt: attempt).prefix(6))
        octets[0] = (octets[0] & 0xFC) | 0x02
        return MACAddress(octets: octets)
    }

    var isLocallyAdministeredUnicast: Bool { octets.count == 6 && octets[0] & 0x03 == 0x02 }

    /// Lower-case, colon-separated, as `ip link` prints it.
    var description: String { octets.map { String(format: "%02x", $0) }.joined(separator: ":") }
}
