import Vapor

/// bcrypt on the application's thread pool, so hashing never blocks an event loop.
struct PasswordHasher: Sendable {
    let cost: Int
    let threadPool: NIOThreadPool

    func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await threadPool.runIfActive { try Bcrypt.hash(password, cost: cost) }
    }

    func verify(_ password: String, against hash: String) async throws -> Bool {
        try await threadPool.runIfActive { (try? Bcrypt.verify(password, created: hash)) ?? false }
    }

    /// Spends the same time as a real verification, for usernames that do not exist, so
    /// response times do not tell which usernames do.
    func verifyAgainstDummy(_ password: String) async throws {
        let dummy = try await dummyHash()
        _ = try await verify(password, against: dummy)
    }

    private func dummyHash() async throws -> String {
        if let cached = DummyHashCache.shared.get(cost: cost) { return cached }
        let made = try await hash("horizon-dummy-password")
        DummyHashCache.shared.set(made, cost: cost)
        return made
    }
}

private final class DummyHashCache: @unchecked Sendable {
    static let shared = DummyHashCache()
    private let lock = NSLock()
    private var byCost: [Int: String] = [:]

    func get(cost: Int) -> String? { lock.withLock { byCost[cost] } }
    func set(_ hash: String, cost: Int) { lock.withLock { byCost[cost] = hash } }
}

/// What the broker accepts as a username and a password.
enum CredentialRules {
    static let minPasswordBytes = 8
    /// bcrypt ignores everything after 72 bytes; refusing longer passwords is more honest.
    static let maxPasswordBytes = 72
    static let maxUsernameLength = 64

    static func checkPassword(_ password: String) throws {
        guard !password.unicodeScalars.contains("\u{0}") else {
            throw APIError.badRequest("the password must not contain NUL characters", code: "weak_password")
        }
        let bytes = password.utf8.count
        guard bytes >= minPasswordBytes else {
            throw APIError.badRequest("the password must be at least \(minPasswordBytes) bytes long", code: "weak_password")
        }
        guard bytes <= maxPasswordBytes else {
            throw APIError.badRequest("the password must be at most \(maxPasswordBytes) bytes long (bcrypt's limit)", code: "weak_password")
        }
    }

    /// Whether `name` could be a username at all (login skips the store otherwise).
    static func isValidUsername(_ name: String) -> Bool {
        (try? checkUsername(name)) != nil
    }

    /// Free text the store keeps (token names, audit filters): no control characters, which
    /// PostgreSQL refuses (NUL) or which would garble logs and listings.
    static func checkText(_ text: String, field: String, maxLength: Int) throws {
        guard text.count <= maxLength, !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw APIError.badRequest("\(field) must be at most \(maxLength) characters without control characters")
        }
    }

    /// `text` with control characters replaced, for recording untrusted input (a tried username).
    static func printable(_ text: String, maxLength: Int = 128) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.prefix(maxLength).map {
            $0.properties.generalCategory == .control ? "?" : $0
        }))
    }

    /// 1–64 characters: ASCII letters and digits, then also `.`, `_` and `-`.
    static func checkUsername(_ name: String) throws {
        let scalars = Array(name.unicodeScalars)
        func isAlnum(_ s: Unicode.Scalar) -> Bool {
            s.isASCII && (("a"..."z").contains(s) || ("A"..."Z").contains(s) || ("0"..."9").contains(s))
        }
        guard let first = scalars.first, isAlnum(first), scalars.count <= maxUsernameLength,
              scalars.allSatisfy({ isAlnum($0) || $0 == "." || $0 == "_" || $0 == "-" })
        else {
            throw APIError.badRequest(
                "a username is 1–\(maxUsernameLength) characters: letters, digits, '.', '_' and '-', starting with a letter or digit",
                code: "invalid_username")
        }
    }
}
