import Foundation
import HorizonCore
import HorizonCrypto

/// The node agent behind `horizon daemon`: owns the node's identity and state directory and
/// answers the local API. Roles (server, client) attach to it as they are configured.
public actor NodeAgent {
    public let stateDirectory: NodeStateDirectory
    private let nodeKey: PrivateKey
    private let startedAt: Date

    /// Loads (or, on first start, creates) the node's identity in `stateDirectory`.
    public init(stateDirectory: NodeStateDirectory, now: Date = Date()) throws(NodeStateError) {
        self.stateDirectory = stateDirectory
        nodeKey = try stateDirectory.loadOrCreateNodeKey()
        startedAt = now
    }

    public var status: AgentStatus {
        AgentStatus(
            version: HorizonVersion.current, publicKey: X25519.publicKey(for: nodeKey).base64,
            stateDirectory: stateDirectory.path, startedAt: startedAt, role: .none)
    }

    /// The local API's routes.
    public func handle(_ request: LocalRequest) -> LocalResponse {
        switch (request.method, request.path) {
        case ("GET", LocalAPIPath.status):
            return .json(status)
        case (_, LocalAPIPath.status):
            return .error(405, "\(request.method) is not allowed on \(request.path); use GET")
        default:
            return .error(404, "no such local API endpoint: \(request.method) \(request.path) — is the CLI newer than the daemon?")
        }
    }
}

/// Paths of the local API, shared by the daemon and the CLI.
public enum LocalAPIPath {
    public static let status = "/v1/status"
}
