import Foundation

/// Users: `/api/v1/me`, `/api/v1/me/password`, `/api/v1/users…`. Admins manage everyone;
/// a user sees and changes only itself.
extension BrokerAPI {
    func getMe(_ input: Operations.GetMe.Input) async throws -> Operations.GetMe.Output {
        let context = try RequestContext.get()
        let principal = try context.requireUser()
        let user = try await services.accounts.find(id: principal.userID, on: context.db)
        return .ok(.init(body: .json(try .init(user, now: clock.now()))))
    }

    func changeMyPassword(_ input: Operations.ChangeMyPassword.Input) async throws -> Operations.ChangeMyPassword.Output {
        let context = try RequestContext.get()
        let principal = try context.requireUser()
        guard case .json(let body) = input.body else { throw APIError.badRequest("expected a JSON body") }
        try await services.accounts.changeOwnPassword(
            principal, current: body.currentPassword, new: body.newPassword, address: context.sourceAddress, on: context.db)
        return .noContent(.init())
    }

    func listUsers(_ input: Operations.ListUsers.Input) async throws -> Operations.ListUsers.Output {
        let context = try RequestContext.get()
        _ = try context.requireAdmin()
        let now = clock.now()
        let users = try await services.accounts.all(on: context.db)
        return .ok(.init(body: .json(try users.map { try .init($0, now: now) })))
    }

    func createUser(_ input: Operations.CreateUser.Input) async throws -> Operations.CreateUser.Output {
        let context = try RequestContext.get()
        _ = try context.requireAdmin()
        guard case .json(let body) = input.body else { throw APIError.badRequest("expected a JSON body") }
        let user = try await services.accounts.create(
            username: body.username, password: body.password, role: body.role?.model ?? .user,
            by: context.actor, on: context.db)
        return .created(.init(body: .json(try .init(user, now: clock.now()))))
    }

    func getUser(_ input: Operations.GetUser.Input) async throws -> Operations.GetUser.Output {
        let context = try RequestContext.get()
        _ = try context.requireUser()
        let userID = try Self.uuid(input.path.userId, "userId")
        _ = try context.requireSelfOrAdmin(userID)
        let user = try await services.accounts.find(id: userID, on: context.db)
        return .ok(.init(body: .json(try .init(user, now: clock.now()))))
    }

    func updateUser(_ input: Operations.UpdateUser.Input) async throws -> Operations.UpdateUser.Output {
        let context = try RequestContext.get()
        _ = try context.requireAdmin()
        let userID = try Self.uuid(input.path.userId, "userId")
        guard case .json(let body) = input.body else { throw APIError.badRequest("expected a JSON body") }
        let user = try await services.accounts.find(id: userID, on: context.db)
        try await services.accounts.update(
            user, disabled: body.disabled, role: body.role?.model, by: context.actor, on: context.db)
        return .ok(.init(body: .json(try .init(user, now: clock.now()))))
    }

    func deleteUser(_ input: Operations.DeleteUser.Input) async throws -> Operations.DeleteUser.Output {
        let context = try RequestContext.get()
        _ = try context.requireAdmin()
        let userID = try Self.uuid(input.path.userId, "userId")
        let user = try await services.accounts.find(id: userID, on: context.db)
        try await services.accounts.delete(user, by: context.actor, on: context.db)
        return .noContent(.init())
    }

    func setUserPassword(_ input: Operations.SetUserPassword.Input) async throws -> Operations.SetUserPassword.Output {
        let context = try RequestContext.get()
        _ = try context.requireAdmin()
        let userID = try Self.uuid(input.path.userId, "userId")
        guard case .json(let body) = input.body else { throw APIError.badRequest("expected a JSON body") }
        let user = try await services.accounts.find(id: userID, on: context.db)
        try await services.accounts.setPassword(user, to: body.newPassword, by: context.actor, on: context.db)
        return .noContent(.init())
    }
}
