import HorizonCore

/// Parses the `key=value` lines of one `set=1` request, remembering whether a peer has
/// been selected (device keys are only valid before the first `public_key`). Values are
/// read as strictly as wireguard-go reads them; error messages never repeat a key.
struct UAPISetLineParser {
    private var inPeer = false

    mutating func parse(_ line: Substring) throws(UAPIError) -> UAPISetOperation {
        guard let equals = line.firstIndex(of: "=") else {
            throw .malformed("a set line without '=' (\(line.count) bytes)")
        }
        let key = line[..<equals]
        let value = line[line.index(after: equals)...]
        if key == "public_key" {
            inPeer = true
            return .peer(try Self.key(value, named: key))
        }
        return inPeer ? try Self.peerOperation(key, value) : try Self.deviceOperation(key, value)
    }

    private static func deviceOperation(_ key: Substring, _ value: Substring) throws(UAPIError) -> UAPISetOperation {
        switch key {
        case "private_key":
            let privateKey: PrivateKey = try Self.key(value, named: key)
            return .privateKey(privateKey.raw.isZero ? nil : privateKey)
        case "listen_port":
            return .listenPort(UInt16(try number(value, named: key, limit: UInt64(UInt16.max))))
        case "fwmark":
            let mark = try number(value, named: key, limit: UInt64(UInt32.max))
            return .fwmark(mark == 0 ? nil : UInt32(mark))
        case "replace_peers":
            try flag(value, named: key)
            return .replacePeers
        default:
            throw .invalid("'\(key)' is not a device key")
        }
    }

    private static func peerOperation(_ key: Substring, _ value: Substring) throws(UAPIError) -> UAPISetOperation {
        switch key {
        case "remove":
            try flag(value, named: key)
            return .removePeer
        case "update_only":
            try flag(value, named: key)
            return .updateOnly
        case "preshared_key":
            let presharedKey: PresharedKey = try Self.key(value, named: key)
            return .presharedKey(presharedKey.raw.isZero ? nil : presharedKey)
        case "endpoint":
            return .endpoint(try endpoint(value))
        case "persistent_keepalive_interval":
            let seconds = try number(value, named: key, limit: UInt64(UInt16.max))
            return .persistentKeepaliveInterval(seconds == 0 ? nil : UInt16(seconds))
        case "replace_allowed_ips":
            try flag(value, named: key)
            return .replaceAllowedIPs
        case "allowed_ip":
            return .allowedIP(try prefix(value))
        case "protocol_version":
            guard value == "1" else { throw .invalid("protocol_version '\(value)' is not supported (only 1)") }
            return .protocolVersion(1)
        default:
            throw .invalid("'\(key)' is not a peer key")
        }
    }

    // MARK: Values

    /// 64 hex digits; the value is not echoed, it may be secret.
    private static func key<K: WireGuardKey>(_ value: Substring, named name: Substring) throws(UAPIError) -> K {
        guard value.utf8.count == 64, let key = K(hex: String(value)) else {
            throw .invalid("\(name) is not 64 hex digits")
        }
        return key
    }

    private static func number(_ value: Substring, named name: Substring, limit: UInt64) throws(UAPIError) -> UInt64 {
        guard let number = DecimalText.parse(value, limit: limit) else {
            throw .invalid("\(name) '\(value)' is not a number in 0...\(limit)")
        }
        return number
    }

    /// Flags carry the single value "true".
    private static func flag(_ value: Substring, named name: Substring) throws(UAPIError) {
        guard value == "true" else { throw .invalid("\(name) must be 'true', not '\(value)'") }
    }

    private static func endpoint(_ value: Substring) throws(UAPIError) -> Endpoint {
        guard let endpoint = Endpoint(String(value)), case .address = endpoint.host else {
            throw .invalid("endpoint '\(value)' is not IP:PORT or [IPv6]:PORT")
        }
        return endpoint
    }

    /// ADDRESS/LENGTH; unlike config files the length is required.
    private static func prefix(_ value: Substring) throws(UAPIError) -> IPPrefix {
        guard value.contains("/"), let prefix = IPPrefix(String(value)) else {
            throw .invalid("allowed_ip '\(value)' is not ADDRESS/LENGTH")
        }
        return prefix
    }
}
