import Foundation

/// Who an authenticated request acts as, resolved from its bearer token.
struct Principal: Sendable {
    var userID: UUID
    var username: String
    var role: User.Role
    var tokenID: UUID
    var tokenKind: AccessToken.Kind

    var isAdmin: Bool { role == .admin }

    func actor(from address: String?) -> Actor {
        Actor(name: username, id: userID, sourceAddress: address)
    }
}
