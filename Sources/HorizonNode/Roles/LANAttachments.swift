import Foundation
import HorizonCore
import HorizonDevice
import HorizonDiscovery
import HorizonLAN

/// The TAP of each L2 network the node is a member of, on its role's device: attached when
/// the netmap first lists the network, its members kept equal to the netmap's, detached when
/// the network leaves the map. A TAP goes away with the device, so a new device starts empty.
/// Each TAP has an mDNS listener for the services its members announce.
final class LANAttachments {
    struct Attached {
        let networkID: String
        let networkName: String
        let interfaceName: String
        /// nil when the TAP's mDNS socket could not be opened (the TAP works without it).
        let listener: MDNSListener?
    }

    private(set) var attached: [LANNetworkTag: Attached] = [:]

    /// Makes the device's TAPs match `networks` (their L2 ones); `names` are the TAP names
    /// chosen with `horizon lan join --interface`, by network id. Returns what failed.
    func sync(_ networks: [NetmapNetwork], names: [String: String], on device: Device) -> [String] {
        var failures: [String] = []
        var wanted: [LANNetworkTag: NetmapNetwork] = [:]
        for network in networks where network.mode == .l2 {
            guard let tag = LANNetworkTag(UInt32(clamping: network.tag)) else {
                failures.append("network \(network.name) has an invalid tag \(network.tag)")
                continue
            }
            wanted[tag] = network
        }
        for (tag, current) in attached where wanted[tag]?.id != current.networkID {
            current.listener?.stop()
            device.detachLAN(tag: tag)
            // The device lets go of the TAP's descriptor only when its packet threads next
            // look (an idle LAN may wait for minutes); deleting the link ends the network now.
            _ = try? SystemTool.ip(["link", "del", "dev", current.interfaceName])
            attached[tag] = nil
        }
        for (tag, network) in wanted.sorted(by: { $0.key < $1.key }) {
            let members = network.members.compactMap { PublicKey(base64: $0.publicKey) }
            if attached[tag] != nil {
                device.setLANMembers(members, tag: tag)
                continue
            }
            do throws(TunnelError) {
                let name = try interfaceName(for: network, chosen: names[network.id])
                let tap = try attach(network, tag: tag, name: name, members: members, on: device)
                var listener: MDNSListener?
                do throws(TunnelError) { listener = try MDNSListener(interface: tap) } catch { failures.append(error.description) }
                attached[tag] = Attached(networkID: network.id, networkName: network.name, interfaceName: tap, listener: listener)
            } catch {
                failures.append("network \(network.name): \(error)")
            }
        }
        return failures
    }

    /// The TAP, up with the member's addresses in the network (their subnet routes come with them).
    private func attach(
        _ network: NetmapNetwork, tag: LANNetworkTag, name: InterfaceName, members: [PublicKey], on device: Device
    ) throws(TunnelError) -> String {
        // The roles' devices run at the default MTU; full-size frames then fit one packet.
        let mtu = LANNetworkOptions.mtu(forTunnelMTU: Tunnel.defaultMTU)
        let options = LANNetworkOptions(interfaceName: name.description, tag: tag, mac: MACAddress(network.mac), mtu: mtu, members: members)
        let created: String
        do { created = try device.attachLAN(options) } catch { throw TunnelError("cannot create its TAP \(name): \(error)") }
        do throws(TunnelError) {
            for change in Self.changes(network, interface: created, mtu: mtu) {
                if let commands = change.ipCommands { try SystemTool.ip(commands.apply) }
            }
        } catch {
            device.detachLAN(tag: tag)
            throw error
        }
        return created
    }

    /// Addresses with the network's prefix lengths, then MTU and up.
    static func changes(_ network: NetmapNetwork, interface: String, mtu: Int) -> [NetworkChange] {
        MeshPlan.prefixes(network).map { NetworkChange.address($0, interface: interface) } + [.linkUp(interface: interface, mtu: mtu)]
    }

    /// What members announce by mDNS, per network name.
    func discoveredServices() -> [(network: String, service: DiscoveredService)] {
        attached.values.sorted { $0.networkName < $1.networkName }.flatMap { lan in
            (lan.listener?.services() ?? []).map { (lan.networkName, $0) }
        }
    }

    /// Stops the mDNS listeners (the TAPs go with their device).
    func stopListening() {
        for lan in attached.values { lan.listener?.stop() }
    }

    /// The chosen name, else "hz" and the network's name when that fits and is free, else "hzlan<tag>".
    private func interfaceName(for network: NetmapNetwork, chosen: String?) throws(TunnelError) -> InterfaceName {
        if let chosen { return try InterfaceName(chosen) }
        let taken = Set(attached.values.map(\.interfaceName))
        let candidates = ["hz" + network.name, "hzlan\(network.tag)"]
        for candidate in candidates {
            guard let name = try? InterfaceName(candidate), !taken.contains(candidate), if_nametoindex(candidate) == 0 else { continue }
            return name
        }
        throw TunnelError("no free TAP name (tried \(candidates.joined(separator: ", "))) — choose one with horizon lan join --interface")
    }
}
