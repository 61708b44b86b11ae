/// A TURN server's long-term credentials (RFC 8489 §9.2). Prints without the password.
public struct TURNCredentials: Hashable, Sendable, CustomStringConvertible {
    public var username: String
    public var password: String

    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    public var description: String { "TURNCredentials(username: \(username))" }
}
