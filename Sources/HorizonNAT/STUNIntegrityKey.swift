/// The key MESSAGE-INTEGRITY and MESSAGE-INTEGRITY-SHA256 are computed with
/// (RFC 8489 §9.1.1, §9.2.2). Prints as a placeholder so it cannot leak into logs.
public struct STUNIntegrityKey: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// Short-term credentials (ICE connectivity checks): the prepared password itself.
    public static func shortTerm(password: String) throws(STUNCredentialError) -> STUNIntegrityKey {
        STUNIntegrityKey(bytes: Array(try SASLprep.prepare(password).utf8))
    }

    /// Long-term credentials (TURN): MD5(username ":" realm ":" password), password prepared.
    public static func longTerm(username: String, realm: String, password: String) throws(STUNCredentialError) -> STUNIntegrityKey {
        let text = username + ":" + realm + ":" + (try SASLprep.prepare(password))
        return STUNIntegrityKey(bytes: LibCryptoDigest.md5(Array(text.utf8)))
    }

    func hmacSHA1(_ data: [UInt8]) -> [UInt8] { LibCryptoDigest.hmac("SHA1", size: 20, key: bytes, data: data) }
    func hmacSHA256(_ data: [UInt8]) -> [UInt8] { LibCryptoDigest.hmac("SHA256", size: 32, key: bytes, data: data) }

    public var description: String { "STUNIntegrityKey(\(bytes.count) bytes)" }
}

/// A password the preparation refuses.
public enum STUNCredentialError: Error, Hashable, Sendable, CustomStringConvertible {
    case prohibitedCharacter(Unicode.Scalar)

    public var description: String {
        switch self {
        case .prohibitedCharacter(let c):
            "STUN password contains U+\(String(c.value, radix: 16, uppercase: true)), which SASLprep prohibits"
        }
    }
}
