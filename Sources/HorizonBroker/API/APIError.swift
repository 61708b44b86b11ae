import Vapor

/// An error the API reports to its client as `{"error": {"code", "message"}}` with an
/// HTTP status. Handlers and services throw these; `APIErrorMiddleware` renders them.
struct APIError: Error, Sendable {
    var status: HTTPResponseStatus
    var code: String
    var message: String
    /// Seconds for a `Retry-After` header (429 responses).
    var retryAfter: Int?

    init(_ status: HTTPResponseStatus, _ code: String, _ message: String, retryAfter: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
    }

    static func badRequest(_ message: String, code: String = "bad_request") -> APIError {
        APIError(.badRequest, code, message)
    }

    static func invalidID(_ name: String, _ value: String) -> APIError {
        APIError(.badRequest, "invalid_id", "\(name) must be a UUID (got \(value.prefix(64).debugDescription))")
    }

    static let missingToken = APIError(
        .unauthorized, "unauthorized", "this endpoint needs a bearer token: log in with POST /api/v1/auth/login and send 'Authorization: Bearer <token>'")
    static let invalidToken = APIError(.unauthorized, "unauthorized", "the bearer token is not valid (revoked or never issued); log in again")
    static let expiredToken = APIError(.unauthorized, "token_expired", "the bearer token has expired; log in again")
    static let accountDisabled = APIError(.unauthorized, "account_disabled", "the account is disabled; ask an administrator")
    static let invalidCredentials = APIError(
        .unauthorized, "invalid_credentials", "wrong username or password, or the account is disabled")
    static let nodeCredentialForUserOperation = APIError(
        .forbidden, "forbidden", "a node credential cannot be used for this operation; use a user's token")
    static let userTokenForNodeOperation = APIError(
        .forbidden, "forbidden", "this operation is for servers and devices; authenticate with the node credential")
    static let adminOnly = APIError(.forbidden, "forbidden", "only an administrator may do this")
    static let notYours = APIError(.forbidden, "forbidden", "you may only access your own account")

    static func notFound(_ what: String) -> APIError {
        APIError(.notFound, "not_found", what)
    }

    static func conflict(_ message: String, code: String = "conflict") -> APIError {
        APIError(.conflict, code, message)
    }
}
