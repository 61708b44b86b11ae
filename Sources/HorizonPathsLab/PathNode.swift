import Foundation
import HorizonBrokerClient
import HorizonCore
import HorizonCrypto
import HorizonDevice
import HorizonNetnsKit
import HorizonNode

/// A node as the mesh runs it, in a namespace: a device on port 51820 with an overlay
/// address 10.90.0.`index`, one WireGuard peer per other node (no endpoint: PeerPaths sets it)
/// and PeerPaths steering them. For the NAT tests and `HorizonNATBench` (root only).
public final class PathNode: @unchecked Sendable {
    public static let port: UInt16 = 51820
    public let id: String
    public let index: Int
    public let namespace: NetworkNamespace
    public let device: Device
    public let key = X25519.generatePrivateKey()
    public private(set) var paths: PeerPaths!

    public init(id: String, index: Int, in namespace: NetworkNamespace) throws {
        self.id = id
        self.index = index
        self.namespace = namespace
        device = try namespace.run { try Device(options: DeviceOptions(interfaceName: "hznat4%d")) }
        let (device, key) = (device, key)
        if let error = try namespace.run({ device.apply([.privateKey(key), .listenPort(Self.port)]) }) { throw error }
        try namespace.ip("addr", "add", "10.90.0.\(index)/24", "dev", device.interfaceName)
        try namespace.ip("link", "set", device.interfaceName, "up")
    }

    public var overlayAddress: String { "10.90.0.\(index)" }

    /// Adds `peers` to the device without endpoints and starts PeerPaths on them.
    public func start(signaling: any SignalingTransport, peers: [PathNode], relays: [Components.Schemas.Relay],
                      options: PeerPaths.Options = PeerPaths.Options()) async throws {
        var operations: [UAPISetOperation] = []
        for peer in peers { operations += [.peer(peer.key.publicKey), .allowedIP(IPPrefix("\(peer.overlayAddress)/32")!)] }
        if let error = device.apply(operations) { throw error }
        var options = options
        options.network = NamespaceContext(namespace: namespace)
        paths = PeerPaths(device: device, signaling: signaling, selfID: id, options: options)
        await paths.update(peers: peers.map { PathPeer(id: $0.id, publicKey: $0.key.publicKey) }, relays: relays)
    }

    public func path(to peer: PathNode) async -> PeerPath? {
        await paths.status(of: peer.key.publicKey)
    }

    public func ping(_ peer: PathNode) throws {
        try Command.run(["ip", "netns", "exec", namespace.name, "ping", "-c", "3", "-i", "0.2", "-W", "3", peer.overlayAddress])
    }

    public func stop() async {
        await paths?.stop()
        device.close()
    }
}

/// PeerPaths' view of a test namespace: interfaces listed and relay sockets opened there.
public struct NamespaceContext: PathNetworkContext {
    public let namespace: NetworkNamespace

    public init(namespace: NetworkNamespace) {
        self.namespace = namespace
    }

    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) throws -> T {
        try namespace.run(body)
    }
}

extension Components.Schemas.Relay {
    /// The test's coturn as the netmap would list it.
    public static let namespacedCoturn = Components.Schemas.Relay(
        uri: "turn:\(LinuxNATNetwork.publicAddress):3478", kind: .turn, host: LinuxNATNetwork.publicAddress, port: 3478,
        username: NamespacedCoturn.username, password: NamespacedCoturn.password)
}
