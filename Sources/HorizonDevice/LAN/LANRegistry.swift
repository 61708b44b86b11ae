import HorizonLAN
import HorizonWireGuard
import Synchronization

/// The L2 networks attached to a device. Receive threads look networks up by tag in an
/// immutable snapshot (`LANTable`) that every change republishes, as cryptokey routing does.
final class LANRegistry: Sendable {
    private let networks = Mutex<[LANNetwork]>([])
    private let published = Mutex(LANTable(networks: []))

    var table: LANTable { published.withLock { $0 } }

    var all: [LANNetwork] { networks.withLock { $0 } }

    /// Adds a network unless its tag or interface name is taken; returns the clash.
    func add(_ network: LANNetwork) -> String? {
        networks.withLock { networks in
            if networks.contains(where: { $0.tag == network.tag }) { return "network tag \(network.tag) is already attached" }
            if networks.contains(where: { $0.interfaceName == network.interfaceName }) {
                return "interface \(network.interfaceName) already carries a network"
            }
            networks.append(network)
            publish(networks)
            return nil
        }
    }

    /// Removes the network with `tag` and returns it.
    func remove(tag: LANNetworkTag) -> LANNetwork? {
        networks.withLock { networks in
            guard let index = networks.firstIndex(where: { $0.tag == tag }) else { return nil }
            let network = networks.remove(at: index)
            network.markDetached()
            publish(networks)
            return network
        }
    }

    func network(tag: LANNetworkTag) -> LANNetwork? { networks.withLock { $0.first { $0.tag == tag } } }

    /// Peers changed (`Device.apply`): member keys are resolved again.
    func resolveMembers(engine: WireGuardEngine) {
        for network in all { network.resolveMembers(engine: engine) }
    }

    /// The device has stopped: every TAP closes (which removes its interface).
    func closeAll() {
        let closing = networks.withLock { networks in
            defer { networks = []; publish([]) }
            return networks
        }
        for network in closing {
            network.markDetached()
            network.tap.close()
        }
    }

    private func publish(_ networks: [LANNetwork]) {
        let table = LANTable(networks: networks)
        published.withLock { $0 = table }
    }
}

/// An immutable map from tag to network for the receive threads.
final class LANTable: Sendable {
    private let byTag: [UInt32: LANNetwork]

    init(networks: [LANNetwork]) {
        byTag = Dictionary(uniqueKeysWithValues: networks.map { ($0.tag.value, $0) })
    }

    func network(_ tag: LANNetworkTag) -> LANNetwork? { byTag[tag.value] }
}
