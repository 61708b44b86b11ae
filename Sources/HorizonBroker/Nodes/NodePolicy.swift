import Foundation

/// The knobs of servers and devices: when a silent server counts as offline, how long a
/// proof-of-possession challenge lives, and the broker-wide overlay network.
public struct NodePolicy: Sendable {
    /// A server whose last heartbeat is older than this is offline (HORIZON_SERVER_OFFLINE_AFTER).
    public var serverOfflineAfter: TimeInterval = 30
    /// Lifetime of a challenge from `POST /api/v1/nodes/challenges`.
    public var challengeLifetime: TimeInterval = 300
    /// IPv4 subnet of the `horizon` overlay network, made on first need (HORIZON_OVERLAY_CIDR).
    public var overlayIPv4CIDR = "100.64.0.0/16"
    /// Its IPv6 /64 (HORIZON_OVERLAY_IPV6_PREFIX); a random ULA when nil.
    public var overlayIPv6Prefix: String?
    /// Whether the broker sweeps for presence changes by itself, every `sweepInterval`.
    /// Tests turn it off and sweep at the moments they choose.
    public var runsPresenceSweep = true
    /// STUN and TURN servers every approved node's netmap lists (HORIZON_RELAYS, with
    /// HORIZON_TURN_USERNAME / HORIZON_TURN_PASSWORD for the TURN ones).
    public var relays: [RelayServer] = []

    public init() {}

    /// How often nodes should send a heartbeat: three per offline period, so one lost
    /// heartbeat never makes a server look offline.
    public var heartbeatInterval: Int { max(1, Int(serverOfflineAfter / 3)) }

    /// How often the presence sweep looks for servers that went offline or came back.
    public var sweepInterval: Duration { .seconds(max(1, serverOfflineAfter / 6)) }

    static func fromEnvironment(_ env: [String: String]) throws -> NodePolicy {
        var policy = NodePolicy()
        if let raw = env["HORIZON_SERVER_OFFLINE_AFTER"], !raw.isEmpty {
            guard let seconds = Int(raw), (3...86400).contains(seconds) else {
                throw BrokerConfigurationError.invalidSetting(
                    name: "HORIZON_SERVER_OFFLINE_AFTER", value: raw, expected: "seconds from 3 to 86400")
            }
            policy.serverOfflineAfter = TimeInterval(seconds)
        }
        if let cidr = env["HORIZON_OVERLAY_CIDR"], !cidr.isEmpty {
            guard (try? NetworkPlan.parseIPv4(cidr)) != nil else {
                throw BrokerConfigurationError.invalidSetting(
                    name: "HORIZON_OVERLAY_CIDR", value: cidr, expected: "an IPv4 subnet from /8 to /30 such as 100.64.0.0/16")
            }
            policy.overlayIPv4CIDR = cidr
        }
        if let prefix = env["HORIZON_OVERLAY_IPV6_PREFIX"], !prefix.isEmpty {
            guard (try? NetworkPlan.parseIPv6(prefix)) != nil else {
                throw BrokerConfigurationError.invalidSetting(
                    name: "HORIZON_OVERLAY_IPV6_PREFIX", value: prefix, expected: "a /64 inside fd00::/8")
            }
            policy.overlayIPv6Prefix = prefix
        }
        if let relays = env["HORIZON_RELAYS"], !relays.isEmpty {
            policy.relays = try RelayServer.parseList(
                relays, username: env["HORIZON_TURN_USERNAME"].flatMap { $0.isEmpty ? nil : $0 },
                password: env["HORIZON_TURN_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 })
        }
        return policy
    }
}
