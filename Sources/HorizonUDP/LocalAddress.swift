import CHorizonLinux
import HorizonCore

/// The local end of a datagram: the address it was sent to (learned from IP_PKTINFO /
/// IPV6_PKTINFO) and the interface it came in on. Replying *from* it keeps the peer's
/// view of us stable on multi-homed hosts ("sticky source", as WireGuard does).
public struct LocalAddress: Hashable, Sendable {
    public var ip: IPAddress
    /// 0 lets the kernel choose the interface from the route.
    public var interfaceIndex: UInt32

    public init(ip: IPAddress, interfaceIndex: UInt32 = 0) {
        self.ip = ip
        self.interfaceIndex = interfaceIndex
    }

    init?(_ raw: hz_local_address) {
        switch raw.family {
        case 4: ip = .v4(IPv4Address(raw.v4))
        case 6: ip = .v6(IPv6Address(high: raw.v6_high, low: raw.v6_low))
        default: return nil
        }
        interfaceIndex = raw.ifindex
    }

    var raw: hz_local_address {
        switch ip {
        case .v4(let a): hz_local_address(family: 4, ifindex: interfaceIndex, v4: a.value, v6_high: 0, v6_low: 0)
        case .v6(let a): hz_local_address(family: 6, ifindex: interfaceIndex, v4: 0, v6_high: a.high, v6_low: a.low)
        }
    }
}
