/// One side's short-term credentials for connectivity checks (RFC 8445 §5.3): a username
/// fragment and a password, exchanged through signaling. Prints without the password.
public struct ICECredentials: Hashable, Sendable, CustomStringConvertible {
    public var ufrag: String
    public var password: String

    public init(ufrag: String, password: String) {
        self.ufrag = ufrag
        self.password = password
    }

    /// Fresh random credentials: 8 and 24 characters of [A-Za-z0-9+/] (RFC 8445 asks for
    /// at least 24 bits and 128 bits of randomness).
    public static func random() -> ICECredentials {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var generator = SystemRandomNumberGenerator()
        func text(_ count: Int) -> String { String((0..<count).map { _ in alphabet[Int((generator.next() as UInt64) % 64)] }) }
        return ICECredentials(ufrag: text(8), password: text(24))
    }

    public var description: String { "ICECredentials(ufrag: \(ufrag))" }
}
