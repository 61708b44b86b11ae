/// The body of every 4xx and 5xx response of the broker's API:
/// `{"error": {"code": "not_found", "message": "no user with id …"}}`.
/// `code` is stable and machine-readable (snake_case); `message` is for people.
public struct APIErrorResponse: Codable, Sendable, Equatable {
    public struct Detail: Codable, Sendable, Equatable {
        public var code: String
        public var message: String

        public init(code: String, message: String) {
            self.code = code
            self.message = message
        }
    }

    public var error: Detail

    public init(code: String, message: String) {
        self.error = Detail(code: code, message: message)
    }
}
