import HorizonCore

/// The relay's policy: realm and long-term users, and the lifetimes RFC 8656 fixes or
/// recommends (tests shorten them).
public struct TURNServerConfiguration: Sendable {
    public var realm: String
    /// Username → password (prepared with SASLprep when keys are derived).
    public var users: [String: String]
    public var software: String? = "Horizon \(HorizonVersion.current)"
    /// Allocation lifetime when the client asks none (§7.2: 600 s), and the most it may ask.
    public var defaultLifetime: Duration = .seconds(600)
    public var maximumLifetime: Duration = .seconds(3600)
    /// Permissions last 300 s (§9), channel bindings 600 s (§12).
    public var permissionLifetime: Duration = .seconds(300)
    public var channelLifetime: Duration = .seconds(600)
    /// A nonce is good this long; then a request gets 438 and a fresh one.
    public var nonceLifetime: Duration = .seconds(600)
    /// Allocations at most per relay, so one client cannot exhaust the ports.
    public var maximumAllocations = 1024

    public init(realm: String, users: [String: String]) {
        self.realm = realm
        self.users = users
    }
}
