import HorizonCore
import HorizonLAN

/// An L2 network to attach to a device: a TAP interface whose frames are switched to the
/// members' tunnels behind the Horizon frame header (see `HorizonFrameHeader`).
public struct LANNetworkOptions: Equatable, Sendable {
    /// The TAP interface's name ("" or a pattern such as "hzlan%d" lets the kernel pick).
    public var interfaceName: String
    /// Names the network inside the tunnel; the same on every member.
    public var tag: LANNetworkTag
    /// The TAP's Ethernet address; nil keeps the kernel's random one.
    public var mac: MACAddress?
    /// The TAP's MTU; nil is `LANNetworkOptions.mtu(forTunnelMTU:)` of the device's MTU.
    public var mtu: Int?
    /// The peers (by public key) that are members. Keys without a peer on the device are
    /// kept and take effect when such a peer is added.
    public var members: [PublicKey]

    public init(interfaceName: String, tag: LANNetworkTag, mac: MACAddress? = nil, mtu: Int? = nil, members: [PublicKey] = []) {
        self.interfaceName = interfaceName
        self.tag = tag
        self.mac = mac
        self.mtu = mtu
        self.members = members
    }

    /// The largest TAP MTU whose full-size frames still fit the tunnel unfragmented: the
    /// tunnel MTU is the plaintext a datagram may carry (1420 = 1500 − 40 IPv6 − 8 UDP − 32
    /// WireGuard), and a frame adds the Horizon header (4) and its Ethernet header (14) to
    /// its payload, so 1420 gives 1402. Such a frame is never padded (padding stops at the
    /// tunnel MTU).
    public static func mtu(forTunnelMTU tunnelMTU: Int) -> Int {
        tunnelMTU - HorizonFrameHeader.size - EthernetHeader.length
    }
}
