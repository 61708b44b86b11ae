#if canImport(Glibc)
import Glibc
#endif
import HorizonCore
import HorizonDevice

/// The [LAN] sections of a `horizon tunnel` file: one TAP per L2 network on the tunnel's
/// device, its addresses, MTU and link state as host changes in the tunnel's journal.
struct TunnelLANs {
    let lans: [WireGuardConfig.LAN]
    let tunnelMTU: Int

    /// Checks what can be checked before anything is created: valid TAP names, none taken
    /// by the tunnel itself or by an existing interface.
    init(config: WireGuardConfig, tunnelName: InterfaceName, tunnelMTU: Int) throws(TunnelError) {
        for lan in config.lans {
            let name = try InterfaceName(lan.tapName)
            if name == tunnelName {
                throw TunnelError("[LAN] \(lan.name): its interface \(name) is the tunnel's own name — set Interface in [LAN]")
            }
            guard if_nametoindex(name.description) == 0 else {
                throw TunnelError("[LAN] \(lan.name): interface \(name) already exists — pick another Name or Interface, or delete it (ip link del \(name))")
            }
        }
        lans = config.lans
        self.tunnelMTU = tunnelMTU
    }

    func mtu(of lan: WireGuardConfig.LAN) -> Int {
        lan.mtu ?? LANNetworkOptions.mtu(forTunnelMTU: tunnelMTU)
    }

    /// Creates each network's TAP on `device` (they vanish with it).
    func attach(to device: Device) throws(TunnelError) {
        for lan in lans {
            let options = LANNetworkOptions(interfaceName: lan.tapName, tag: lan.tag, mac: lan.mac, mtu: mtu(of: lan),
                                            members: lan.members)
            do {
                try device.attachLAN(options)
            } catch {
                throw TunnelError("cannot create the TAP of [LAN] \(lan.name): \(error)")
            }
        }
    }

    /// Addresses, then MTU and up, per TAP (the subnet routes come with the addresses).
    var changes: [NetworkChange] {
        lans.flatMap { lan in
            lan.addresses.map { NetworkChange.address($0, interface: lan.tapName) }
                + [.linkUp(interface: lan.tapName, mtu: mtu(of: lan))]
        }
    }

    static func counterLine(_ status: LANNetworkStatus) -> String {
        let c = status.switchCounters
        let other = c.dropped(.notForThisPort) + c.dropped(.malformed) + c.dropped(.multicastSource)
        return "\(status.interfaceName): \(c.fromLocal) frames from the TAP (\(c.unicastSent) to one member, \(c.flooded) flooded), "
            + "\(c.fromMembers) from members (\(c.deliveredLocally) delivered); dropped: \(c.dropped(.floodRateLimited)) over the flood limit, "
            + "\(c.dropped(.notAMember)) not from a member, \(c.dropped(.loopedBack)) looped back, \(other) other"
    }

    static func pathLine(_ c: LANPathCounters) -> String {
        "LAN frames: \(c.framesSent) sealed, \(c.framesReceived) received; dropped: \(c.droppedUnknownTag) unknown tag, "
            + "\(c.droppedShort) short, \(c.droppedUnknownType) unknown type, \(c.droppedTAPMalformed) bad TAP reads, "
            + "\(c.droppedTAPWrite) failed TAP writes"
    }

    /// "lan0 (tag 7, 2 members)" per network, for the status line.
    var summary: [String] {
        lans.map { lan in
            let members = lan.members.count == 1 ? "1 member" : "\(lan.members.count) members"
            return "LAN \(lan.tapName) (tag \(lan.tag), \(members))"
        }
    }
}
