import Fluent
import Foundation
import OpenAPIRuntime

/// The broker's implementation of the generated `APIProtocol` (see `openapi.yaml`). One
/// extension per tag lives beside this file. Handlers get their typed input from the
/// generated code and everything else (database, principal, address) from
/// `RequestContext.current`; errors are thrown as `APIError` and rendered by
/// `APIErrorMiddleware`.
struct BrokerAPI: APIProtocol {
    let services: BrokerServices
    let storeName: String
    /// The served form of `openapi.yaml`, parsed once at start.
    let document: OpenAPIObjectContainer
    /// Who may call each operation, as the document's `security` says.
    let operationAccess: OperationAccess

    init(services: BrokerServices, storeName: String) throws {
        self.services = services
        self.storeName = storeName
        let raw = try OpenAPIDocument.load()
        self.document = try OpenAPIObjectContainer(unvalidatedValue: raw)
        self.operationAccess = OperationAccess(document: raw)
    }

    var clock: BrokerClock { services.configuration.clock }

    /// A path parameter that must be a UUID: 400 `invalid_id` otherwise.
    static func uuid(_ value: String, _ name: String) throws -> UUID {
        guard let id = UUID(uuidString: value) else { throw APIError.invalidID(name, value) }
        return id
    }
}

// MARK: - Mapping store models to API types

extension Components.Schemas.User {
    init(_ user: User, now: Date) throws {
        self.init(
            id: try user.requireID().uuidString, username: user.username,
            role: Components.Schemas.Role(user.role), disabled: user.disabled, locked: user.isLocked(at: now),
            createdAt: user.createdAt ?? now)
    }
}

extension Components.Schemas.Role {
    init(_ role: User.Role) {
        switch role {
        case .admin: self = .admin
        case .user: self = .user
        }
    }

    var model: User.Role {
        switch self {
        case .admin: .admin
        case .user: .user
        }
    }
}

extension Components.Schemas.APIToken {
    init(_ token: AccessToken) throws {
        self.init(
            id: try token.requireID().uuidString, name: token.name, createdAt: token.createdAt,
            expiresAt: token.expiresAt, lastUsedAt: token.lastUsedAt)
    }
}

extension Components.Schemas.AuditEvent {
    init(_ event: AuditEvent) throws {
        self.init(
            id: try event.requireID().uuidString, time: event.time, action: event.action, actor: event.actorName,
            actorId: event.actorID?.uuidString, targetType: event.targetType, targetId: event.targetID,
            targetName: event.targetName, sourceAddress: event.sourceAddress, detail: event.detail)
    }
}
