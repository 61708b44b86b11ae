import Foundation
import HorizonCore

/// A STUN or TURN server the broker tells nodes about (`HORIZON_RELAYS`), so they can learn
/// their public address and fall back to a relay when no direct path exists. The broker only
/// passes the list on; nodes pick the nearest that answers.
public struct RelayServer: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case stun
        case turn
    }

    /// The port RFC 8489 and RFC 8656 assign to STUN and TURN over UDP.
    public static let defaultPort = 3478

    public var kind: Kind
    /// A DNS name or an IP address (IPv6 without brackets).
    public var host: String
    public var port: Int
    /// Long-term credentials (`HORIZON_TURN_USERNAME` / `HORIZON_TURN_PASSWORD`), TURN only.
    public var username: String?
    public var password: String?

    /// `turn:host:port` (RFC 7065 form; an IPv6 host in brackets).
    public var uri: String { "\(kind.rawValue):\(host.contains(":") ? "[\(host)]" : host):\(port)" }

    /// Parses a comma-separated list of `stun:host[:port]` / `turn:host[:port]` URIs; the
    /// credentials go to every TURN entry.
    public static func parseList(_ text: String, username: String?, password: String?) throws -> [RelayServer] {
        try text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map { item in
            guard var relay = parse(item) else {
                throw BrokerConfigurationError.invalidSetting(
                    name: "HORIZON_RELAYS", value: item, expected: "stun:host[:port] or turn:host[:port], comma-separated")
            }
            if relay.kind == .turn {
                relay.username = username
                relay.password = password
            }
            return relay
        }
    }

    static func parse(_ uri: String) -> RelayServer? {
        guard uri.count <= 300, let colon = uri.firstIndex(of: ":"),
              let kind = Kind(rawValue: uri[..<colon].lowercased()) else { return nil }
        let rest = uri[uri.index(after: colon)...]
        let host: Substring
        var portText: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { return nil }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let tail = rest[rest.index(after: close)...]
            if !tail.isEmpty {
                guard tail.hasPrefix(":") else { return nil }
                portText = tail.dropFirst()
            }
            guard IPAddress(String(host)).map({ !$0.isIPv4 }) == true else { return nil }
        } else {
            let parts = rest.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count <= 2 else { return nil }
            host = parts[0]
            portText = parts.count == 2 ? parts[1] : nil
            guard isHostName(host) else { return nil }
        }
        let port = portText.map { Int($0) ?? 0 } ?? defaultPort
        guard (1...65535).contains(port) else { return nil }
        return RelayServer(kind: kind, host: String(host), port: port)
    }

    /// A DNS name or dotted IPv4 address: labels of letters, digits and hyphens.
    private static func isHostName(_ host: Substring) -> Bool {
        guard !host.isEmpty, host.count <= 253 else { return false }
        return host.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            !label.isEmpty && label.count <= 63 && label.first != "-" && label.last != "-"
                && label.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-") }
        }
    }

    public init(kind: Kind, host: String, port: Int, username: String? = nil, password: String? = nil) {
        self.kind = kind
        self.host = host
        self.port = port
        self.username = username
        self.password = password
    }
}
