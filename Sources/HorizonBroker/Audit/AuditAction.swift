/// The actions the audit log records. Raw values are what `GET /api/v1/audit?action=` matches.
enum AuditAction: String, Sendable, CaseIterable {
    case login = "auth.login"
    case loginFailed = "auth.login_failed"
    case lockout = "auth.lockout"
    case logout = "auth.logout"
    case tokenCreated = "token.created"
    case tokenRevoked = "token.revoked"
    case userCreated = "user.created"
    case userDisabled = "user.disabled"
    case userEnabled = "user.enabled"
    case userRoleChanged = "user.role_changed"
    case userDeleted = "user.deleted"
    case passwordChanged = "user.password_changed"
    case networkCreated = "network.created"
    case networkDeleted = "network.deleted"
    case enrollmentKeyCreated = "enrollment_key.created"
    case enrollmentKeyRevoked = "enrollment_key.revoked"
}
