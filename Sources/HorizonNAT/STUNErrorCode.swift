/// ERROR-CODE (RFC 8489 §14.8): a code 300–699 and a UTF-8 reason phrase.
public struct STUNErrorCode: Hashable, Sendable, CustomStringConvertible {
    public var code: UInt16
    public var reason: String

    /// `code` must be 300...699 (the wire holds class 3–6 and number 0–99).
    public init(code: UInt16, reason: String) {
        precondition((300...699).contains(code), "STUN error codes are 300...699")
        self.code = code
        self.reason = reason
    }

    public static func tryAlternate(_ reason: String = "Try Alternate") -> Self { Self(code: 300, reason: reason) }
    public static func badRequest(_ reason: String = "Bad Request") -> Self { Self(code: 400, reason: reason) }
    public static func unauthenticated(_ reason: String = "Unauthenticated") -> Self { Self(code: 401, reason: reason) }
    public static func unknownAttribute(_ reason: String = "Unknown Attribute") -> Self { Self(code: 420, reason: reason) }
    public static func staleNonce(_ reason: String = "Stale Nonce") -> Self { Self(code: 438, reason: reason) }
    public static func serverError(_ reason: String = "Server Error") -> Self { Self(code: 500, reason: reason) }

    public var description: String { "\(code) \(reason)" }
}
