import Foundation

/// Enrollment keys: `/api/v1/enrollment-keys`, `/api/v1/enrollment-keys/{keyId}` (admin).
extension BrokerAPI {
    func listEnrollmentKeys(_ input: Operations.ListEnrollmentKeys.Input) async throws -> Operations.ListEnrollmentKeys.Output {
        let context = try RequestContext.get()
        _ = try context.requireAdmin()
        let keys = try await services.enrollmentKeys.all(on: context.db)
        return .ok(.init(body: .json(try keys.map { try .init($0, username: $0.user?.username) })))
    }

    func createEnrollmentKey(_ input: Operations.CreateEnrollmentKey.Input) async throws -> Operations.CreateEnrollmentKey.Output {
        let context = try RequestContext.get()
        _ = try context.requireAdmin()
        guard case .json(let body) = input.body else { throw APIError.badRequest("expected a JSON body") }
        let userID = try body.userId.map { try Self.uuid($0, "userId") }
        let (secret, key) = try await services.enrollmentKeys.create(
            purpose: body.purpose.model, userID: userID, reusable: body.reusable ?? false, expiresAt: body.expiresAt,
            by: context.actor, on: context.db)
        let username = try await userID.asyncMap { try await services.accounts.find(id: $0, on: context.db).username }
        return .created(.init(body: .json(.init(key: secret, info: try .init(key, username: username)))))
    }

    func revokeEnrollmentKey(_ input: Operations.RevokeEnrollmentKey.Input) async throws -> Operations.RevokeEnrollmentKey.Output {
        let context = try RequestContext.get()
        _ = try context.requireAdmin()
        try await services.enrollmentKeys.revoke(try Self.uuid(input.path.keyId, "keyId"), by: context.actor, on: context.db)
        return .noContent(.init())
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}

extension Components.Schemas.EnrollmentKey {
    init(_ key: EnrollmentKey, username: String?) throws {
        self.init(
            id: try key.requireID().uuidString, purpose: .init(key.purpose), userId: key.$user.id?.uuidString,
            username: username, reusable: key.reusable, uses: key.uses, createdAt: key.createdAt,
            expiresAt: key.expiresAt, lastUsedAt: key.lastUsedAt)
    }
}

extension Components.Schemas.EnrollmentPurpose {
    init(_ purpose: EnrollmentKey.Purpose) {
        switch purpose {
        case .server: self = .server
        case .device: self = .device
        }
    }

    var model: EnrollmentKey.Purpose {
        switch self {
        case .server: .server
        case .device: .device
        }
    }
}
