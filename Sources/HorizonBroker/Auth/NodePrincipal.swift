import Foundation

/// A server or device authenticated by its node credential.
struct NodePrincipal: Sendable {
    var nodeID: UUID
    var kind: Node.Kind
    var name: String
    var publicKey: String
    var status: Node.Status

    func actor(from address: String?) -> Actor {
        Actor(name: "\(kind.rawValue):\(name)", id: nodeID, sourceAddress: address)
    }
}
