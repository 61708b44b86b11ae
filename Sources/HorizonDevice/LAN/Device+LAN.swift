import HorizonCore
import HorizonLAN
import HorizonTUN

/// L2 networks (LAN emulation) on a device: each is a TAP whose frames travel to the
/// members' tunnels — the same sessions as IP packets — behind the Horizon frame header.
extension Device {
    /// Creates the network's TAP (MTU and MAC set, still down: addresses and `up` are the
    /// caller's, like the TUN's) and starts switching its frames. Returns the TAP's name.
    @discardableResult
    public func attachLAN(_ options: LANNetworkOptions) throws(DeviceError) -> String {
        let mtu = options.mtu ?? LANNetworkOptions.mtu(forTunnelMTU: engine.mtu)
        guard (68...LANTransmitLoop.maxFrame - EthernetHeader.length).contains(mtu) else {
            throw .invalidOptions("LAN MTU \(mtu) is out of range (68-\(LANTransmitLoop.maxFrame - EthernetHeader.length))")
        }
        let tap: TUNDevice
        do {
            tap = try TUNDevice(name: options.interfaceName, kind: .tap, offloads: true)
            try tap.setMTU(mtu)
            if let mac = options.mac { try tap.setMAC(mac) }
        } catch {
            throw .tun(error)
        }
        let network = LANNetwork(segment: LANSegment(tag: options.tag), tap: tap, members: options.members)
        if let clash = lan.add(network) {
            tap.close()
            throw .invalidOptions(clash)
        }
        network.resolveMembers(engine: engine)
        let loop = LANTransmitLoop(device: self, network: network, mtu: mtu)
        startThread(name: "hz-lan \(tap.name)") { loop.run() }
        return tap.name
    }

    /// Replaces the member list of the network with `tag`. False when no such network.
    @discardableResult
    public func setLANMembers(_ members: [PublicKey], tag: LANNetworkTag) -> Bool {
        guard let network = lan.network(tag: tag) else { return false }
        network.setMembers(members, engine: engine)
        return true
    }

    /// Stops switching the network with `tag`; its TAP goes away once the packet threads let
    /// go of it (within a batch). False when no such network.
    @discardableResult
    public func detachLAN(tag: LANNetworkTag) -> Bool {
        lan.remove(tag: tag) != nil
    }

    public var lanNetworks: [LANNetworkStatus] {
        lan.all.map { network in
            LANNetworkStatus(interfaceName: network.interfaceName, tag: network.tag, members: network.members,
                             activeMembers: network.segment.members.count, switchCounters: network.segment.counters)
        }
    }
}
