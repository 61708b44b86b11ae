import Fluent
import HorizonCore
import Vapor

/// What a generated API handler knows about its request beyond its typed input: the Vapor
/// request (database, logger), the client's address and who it authenticated as.
/// `RequestContextMiddleware` sets it as a task-local around each request, because the
/// generated handlers never see the `Authorization` header themselves.
struct RequestContext: Sendable {
    enum Authentication: Sendable {
        case anonymous
        case authenticated(Principal)
        /// A server or device, by its node credential.
        case node(NodePrincipal)
        /// A token was presented but does not stand for anyone (why, in the error).
        case rejected(APIError)
    }

    let request: Request
    let authentication: Authentication
    /// The database handle of the request's event loop (``EventLoopDatabases``).
    let db: any Database

    @TaskLocal static var current: RequestContext?

    /// The context of the request being handled; only missing if a route bypassed the middleware.
    static func get() throws -> RequestContext {
        guard let current else { throw APIError(.internalServerError, "internal_error", "request context missing") }
        return current
    }

    /// The peer's IP address (the broker does not trust forwarding headers).
    var sourceAddress: String { request.remoteAddress?.ipAddress ?? "unknown" }

    /// The authenticated user, or 401 (403 for a node credential).
    func requireUser() throws -> Principal {
        switch authentication {
        case .authenticated(let principal): return principal
        case .node: throw APIError.nodeCredentialForUserOperation
        case .anonymous: throw APIError.missingToken
        case .rejected(let error): throw error
        }
    }

    /// The authenticated server or device, or 401 (403 for a user token).
    func requireNode() throws -> NodePrincipal {
        switch authentication {
        case .node(let node): return node
        case .authenticated: throw APIError.userTokenForNodeOperation
        case .anonymous: throw APIError.missingToken
        case .rejected(let error): throw error
        }
    }

    /// An authenticated admin, or 401/403.
    func requireAdmin() throws -> Principal {
        let principal = try requireUser()
        guard principal.isAdmin else { throw APIError.adminOnly }
        return principal
    }

    /// The principal, if it is `userID` itself or an admin; otherwise 403.
    func requireSelfOrAdmin(_ userID: UUID) throws -> Principal {
        let principal = try requireUser()
        guard principal.isAdmin || principal.userID == userID else { throw APIError.notYours }
        return principal
    }

    var actor: Actor {
        switch authentication {
        case .authenticated(let principal): principal.actor(from: sourceAddress)
        case .node(let node): node.actor(from: sourceAddress)
        case .anonymous, .rejected: Actor(name: "anonymous", id: nil, sourceAddress: sourceAddress)
        }
    }
}

/// Collects the body (refusing oversize ones with 413), resolves the bearer token and runs
/// the rest of the chain with `RequestContext.current` set.
struct RequestContextMiddleware: AsyncMiddleware {
    let tokens: TokenService
    let nodes: NodeCredentials
    let databases: EventLoopDatabases
    let maxBodyBytes: Int

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let length = request.headers.first(name: .contentLength).flatMap(Int.init), length > maxBodyBytes {
            throw Self.tooLarge(maxBodyBytes)
        }
        do {
            _ = try await request.body.collect(max: maxBodyBytes).get()
        } catch let error as any AbortError where error.status == .payloadTooLarge {
            throw Self.tooLarge(maxBodyBytes)
        }
        let db = databases.database(on: request.eventLoop)
        let (authentication, contact) = try await authenticate(request, db: db)
        let context = RequestContext(request: request, authentication: authentication, db: db)
        return try await RequestContext.$current.withValue(context) {
            guard let contact else { return try await next.respond(to: request) }
            // Alongside the handler, so the stamp and the handler's own writes share a group.
            async let stamped: Void = nodes.recordContact(contact, on: db)
            let response = try await next.respond(to: request)
            await stamped
            return response
        }
    }

    private static func tooLarge(_ limit: Int) -> APIError {
        APIError(.payloadTooLarge, "payload_too_large", "the request body is larger than \(limit) bytes")
    }

    /// Who the bearer token stands for, and a node's contact stamp if one is due.
    private func authenticate(_ request: Request, db: any Database) async throws -> (RequestContext.Authentication, NodeActivityWriter.Write?) {
        guard let header = request.headers.first(name: .authorization) else { return (.anonymous, nil) }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            return (.rejected(APIError(.unauthorized, "unauthorized", "the Authorization header must be 'Bearer <token>'")), nil)
        }
        let secret = parts[1].trimmingWhitespace()
        do {
            if NodeCredentials.isNodeCredential(secret) {
                let resolved = try await nodes.resolve(secret: secret, on: db)
                return (.node(resolved.principal), resolved.contact)
            }
            return (.authenticated(try await tokens.resolve(secret: secret, on: db)), nil)
        } catch let error as APIError {
            return (.rejected(error), nil)
        }
    }
}
