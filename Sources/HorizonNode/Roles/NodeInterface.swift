import Foundation
import HorizonCore
import HorizonDevice

/// A role's WireGuard interface: the tunnel (device, UAPI socket, addresses and routes), its
/// peers kept equal to what the netmap allows, and traffic rates for `horizon status`.
final class NodeInterface: @unchecked Sendable {
    let tunnel: Tunnel
    /// The TAPs of the node's L2 networks on this device.
    let lans = LANAttachments()
    private var peerRoutes = InterfacePrefixes(.route)
    /// The node's addresses in its L3 networks, beside the tunnel's own.
    private var networkAddresses = InterfacePrefixes(.address)
    /// All traffic through the interface (a client's full tunnel through its gateway), while on.
    private var diversion: DefaultRouteDiversion?
    private var lastSample: (time: ContinuousClock.Instant, rx: UInt64, tx: UInt64)?
    private var rates: (rx: Double, tx: Double) = (0, 0)

    init(config: WireGuardConfig, name: InterfaceName, uapiDirectory: String?) throws(TunnelError) {
        tunnel = try Tunnel(config: config, interfaceName: name, uapiDirectory: uapiDirectory)
    }

    var device: Device { tunnel.device }

    /// Makes the device's peers `desired` and gives exactly the `routed` prefixes a route to
    /// the interface (a server's clients, a node's network members; a client's gateway routes
    /// come with the tunnel's plan instead), and the interface the node's `addresses` in its
    /// L3 networks. Returns what failed, if anything.
    func sync(_ desired: [DesiredPeer], routing routed: [IPPrefix], addresses: [IPPrefix] = []) -> String? {
        let operations = PeerSync.operations(from: device.snapshot().peers, to: desired)
        if !operations.isEmpty, let error = device.apply(operations) { return error.message }
        let name = tunnel.interfaceName.description
        let failures = networkAddresses.sync(addresses, interface: name) + peerRoutes.sync(routed, interface: name)
        return failures.isEmpty ? nil : failures.joined(separator: "; ")
    }

    /// Sends all traffic through the interface, or stops; returns what failed.
    func divertDefaultRoute(_ on: Bool) -> String? {
        if on, diversion == nil {
            do throws(TunnelError) { diversion = try DefaultRouteDiversion(on: tunnel) } catch { return error.description }
        } else if !on, let current = diversion {
            diversion = nil
            let failures = current.undo()
            if !failures.isEmpty { return failures.map(\.description).joined(separator: "; ") }
        }
        return nil
    }

    /// Makes the TAPs match the node's L2 networks in `networks`; returns what failed.
    func syncLANs(_ networks: [NetmapNetwork], names: [String: String]) -> String? {
        let failures = lans.sync(networks, names: names, on: device)
        return failures.isEmpty ? nil : failures.joined(separator: "; ")
    }

    /// The interface's totals and rates since the previous call.
    func status(lastError: String? = nil, now: ContinuousClock.Instant = .now) -> InterfaceStatus {
        let snapshot = device.snapshot()
        let rx = snapshot.peers.reduce(0) { $0 &+ $1.rxBytes }
        let tx = snapshot.peers.reduce(0) { $0 &+ $1.txBytes }
        if let last = lastSample {
            let seconds = (now - last.time) / .seconds(1)
            if seconds >= 1 {
                rates = (Double(rx &- last.rx) / seconds, Double(tx &- last.tx) / seconds)
                lastSample = (now, rx, tx)
            }
        } else {
            lastSample = (now, rx, tx)
        }
        return InterfaceStatus(
            name: tunnel.interfaceName.description, listenPort: snapshot.listenPort, rxBytes: rx, txBytes: tx,
            rxRate: rates.rx, txRate: rates.tx, lans: lans.attached.values.map(\.interfaceName).sorted(), lastError: lastError)
    }

    /// Waits (on a thread of its own: the device's wait blocks) until the device closes.
    func closed() async -> DeviceCloseReason {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { [device] in continuation.resume(returning: device.waitUntilClosed()) }
        }
    }

    /// Removes the interface and undoes every host change; returns what could not be undone.
    func stop(interfaceDeleted: Bool = false) -> [TunnelError] {
        lans.stopListening()
        let failures = diversion?.undo() ?? []
        diversion = nil
        return failures + tunnel.stop(interfaceDeleted: interfaceDeleted)
    }
}

extension UAPIPeerSnapshot {
    /// Seconds since the last completed handshake (the snapshot holds wall-clock time); nil if none.
    var handshakeAge: Int? {
        lastHandshake.map { Int(Date().timeIntervalSince1970) - Int($0.components.seconds) }
    }
}

extension PeerStatus {
    init(_ peer: UAPIPeerSnapshot, name: String?, path: PeerPath? = nil) {
        self.init(
            name: name, publicKey: peer.publicKey.base64, endpoint: peer.endpoint?.description,
            handshakeAge: peer.handshakeAge,
            rxBytes: peer.rxBytes, txBytes: peer.txBytes, path: path)
    }
}
