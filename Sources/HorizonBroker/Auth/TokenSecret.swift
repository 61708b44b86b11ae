import Vapor
import Foundation

/// Bearer token secrets: 32 random bytes, base64url, with a `hzn_` prefix so that secret
/// scanners and people can tell what they are. Only the SHA-256 is stored.
enum TokenSecret {
    static let prefix = "hzn_"

    static func generate(prefix: String = TokenSecret.prefix) -> String {
        var rng = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
        let base64 = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return prefix + base64
    }

    /// Lower-case hex SHA-256 of the secret as sent by the client.
    static func hash(_ secret: String) -> String {
        // Runs on every authenticated request: hex by table, not by String(format:) per byte.
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: Array(secret.utf8)) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: hex, as: UTF8.self)
    }
}
