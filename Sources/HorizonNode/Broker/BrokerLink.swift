import Foundation
import HorizonBrokerClient
import HorizonCore
import HorizonCrypto

public typealias Netmap = Components.Schemas.Netmap
public typealias NetmapPeer = Components.Schemas.NetmapNode
public typealias BrokerServer = Components.Schemas.Server
public typealias NetmapNetwork = Components.Schemas.NetmapNetwork

/// The node's calls to its broker: the generated client with the node's credential, each call
/// returning its success value or throwing one `BrokerFailure`.
public struct BrokerLink: Sendable {
    /// How long one call may take, connecting included: the HTTP client retries a refused
    /// connection until then, so this is also how soon "cannot reach the broker" is said.
    public static let callTimeout: Duration = .seconds(10)

    public let url: URL
    private let client: Client
    /// The netmap long-poll's client: its deadline covers the wait.
    private let pollClient: Client

    public init(url: URL, credential: String? = nil) {
        self.url = url
        client = Client.broker(at: url, token: credential, timeout: Self.callTimeout)
        pollClient = Client.broker(at: url, token: credential, timeout: Self.callTimeout + .seconds(NetmapFollower.longPollSeconds))
    }

    /// Runs a generated call, classifying whatever it throws.
    private func call<T>(longPoll: Bool = false, _ body: (Client) async throws -> T) async throws(BrokerFailure) -> T {
        do {
            return try await body(longPoll ? pollClient : client)
        } catch {
            throw BrokerFailure.from(error, broker: url)
        }
    }

    /// A challenge for proving possession of `nodeKey`, and the proof answering it.
    public func prove(_ nodeKey: PrivateKey) async throws(BrokerFailure) -> (challengeID: String, proof: String) {
        let publicKey = X25519.publicKey(for: nodeKey)
        let challenge = try await call { try await $0.createNodeChallenge(body: .json(.init(publicKey: publicKey.base64))).created.body.json }
        guard let nonce = Data(base64Encoded: challenge.nonce),
              let brokerKey = PublicKey(base64: challenge.brokerPublicKey),
              let proof = KeyPossessionProof.make(nodeKey: nodeKey, brokerPublicKey: brokerKey, nonce: Array(nonce))
        else { throw .unexpected("the challenge's nonce or broker key is malformed") }
        return (challenge.challengeId, Data(proof).base64EncodedString())
    }

    public func registerServer(
        nodeKey: PrivateKey, enrollmentKey: String, name: String, endpoints: [String], capacity: Int,
        location: Components.Schemas.ServerLocation?
    ) async throws(BrokerFailure) -> Components.Schemas.RegisteredServer {
        let (challengeID, proof) = try await prove(nodeKey)
        let request = Components.Schemas.RegisterServerRequest(
            enrollmentKey: enrollmentKey, challengeId: challengeID, proof: proof, name: name,
            publicKey: X25519.publicKey(for: nodeKey).base64, endpoints: endpoints, capacity: capacity, location: location)
        return try await call { try await $0.registerServer(body: .json(request)).created.body.json }
    }

    /// Unattended device enrollment with a device enrollment key.
    public func registerDevice(nodeKey: PrivateKey, enrollmentKey: String, name: String) async throws(BrokerFailure) -> Components.Schemas.EnrolledDevice {
        let (challengeID, proof) = try await prove(nodeKey)
        let request = Components.Schemas.RegisterDeviceRequest(
            enrollmentKey: enrollmentKey, name: name, publicKey: X25519.publicKey(for: nodeKey).base64,
            challengeId: challengeID, proof: proof)
        return try await call { try await $0.registerDevice(body: .json(request)).created.body.json }
    }

    /// Enrollment by a logged-in user (this link carries the user's token).
    public func enrollDevice(nodeKey: PrivateKey, name: String) async throws(BrokerFailure) -> Components.Schemas.EnrolledDevice {
        let (challengeID, proof) = try await prove(nodeKey)
        let request = Components.Schemas.EnrollDeviceRequest(
            name: name, publicKey: X25519.publicKey(for: nodeKey).base64, challengeId: challengeID, proof: proof)
        return try await call { try await $0.enrollDevice(body: .json(request)).created.body.json }
    }

    /// A user session token for `username`.
    public func login(username: String, password: String) async throws(BrokerFailure) -> String {
        try await call { try await $0.login(body: .json(.init(username: username, password: password))).ok.body.json.token }
    }

    public func heartbeat(_ beat: Components.Schemas.Heartbeat) async throws(BrokerFailure) -> Components.Schemas.HeartbeatAck {
        try await call { try await $0.sendHeartbeat(body: .json(beat)).ok.body.json }
    }

    /// The netmap, or nil when it still has version `since` after waiting up to `wait` seconds.
    public func netmap(since: String?, wait: Int) async throws(BrokerFailure) -> Netmap? {
        let output = try await call(longPoll: true) { try await $0.getNodeNetmap(query: .init(since: since, wait: since == nil ? nil : wait)) }
        switch output {
        case .ok(let ok):
            return try await call { _ in try ok.body.json }
        case .notModified:
            return nil
        default:
            throw .unexpected("netmap answered \(output)")
        }
    }

    public func reportSession(_ report: Components.Schemas.SessionReport) async throws(BrokerFailure) {
        _ = try await call { try await $0.reportNodeSession(body: .json(report)).ok }
    }

    /// Announces a service this node offers to the members of `network` (an id or a name).
    public func announce(_ request: Components.Schemas.AnnounceServiceRequest) async throws(BrokerFailure) -> Components.Schemas.ServiceAnnouncement {
        let output = try await call { try await $0.announceService(body: .json(request)) }
        switch output {
        case .created(let created): return try await call { _ in try created.body.json }
        case .ok(let renamed): return try await call { _ in try renamed.body.json }
        default: throw .unexpected("announce answered \(output)")
        }
    }

    /// Makes this device a member of `network` (an id or a name); also when it is one already.
    public func joinNetwork(_ network: String) async throws(BrokerFailure) -> Components.Schemas.NetworkMember {
        let output = try await call { try await $0.joinNetwork(path: .init(networkId: network)) }
        switch output {
        case .created(let joined): return try await call { _ in try joined.body.json }
        case .ok(let already): return try await call { _ in try already.body.json }
        default: throw .unexpected("join answered \(output)")
        }
    }

    public func leaveNetwork(_ network: String) async throws(BrokerFailure) {
        _ = try await call { try await $0.leaveNetwork(path: .init(networkId: network)).noContent }
    }

    /// Approved, online servers (as a device sees them).
    public func servers() async throws(BrokerFailure) -> [BrokerServer] {
        try await call { try await $0.listServers().ok.body.json }
    }
}
