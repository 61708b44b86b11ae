import HorizonCore

/// Writes UAPI answers in the order and form wireguard-go uses, which is what `wg` reads.
/// A large `get` can be written piece by piece (device lines, each peer, the status) and
/// flushed between pieces; each piece appends to the caller's buffer, so the whole answer
/// costs time linear in its size.
public enum UAPIResponse {
    /// The complete answer to `get=1`.
    public static func get(_ snapshot: UAPIDeviceSnapshot) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64 + snapshot.peers.reduce(0) { $0 + 400 + 32 * $1.allowedIPs.count })
        appendDevice(snapshot, to: &out)
        for peer in snapshot.peers { appendPeer(peer, to: &out) }
        appendStatus(nil, to: &out)
        return out
    }

    /// The device's own lines (not its peers); zero values are left out.
    public static func appendDevice(_ snapshot: UAPIDeviceSnapshot, to out: inout [UInt8]) {
        if let key = snapshot.privateKey { out.appendLine("private_key", hex: key.raw) }
        if snapshot.listenPort != 0 { out.appendLine("listen_port", UInt64(snapshot.listenPort)) }
        if let mark = snapshot.fwmark { out.appendLine("fwmark", UInt64(mark)) }
    }

    public static func appendPeer(_ peer: UAPIPeerSnapshot, to out: inout [UInt8]) {
        out.appendLine("public_key", hex: peer.publicKey.raw)
        out.appendLine("preshared_key", hex: peer.presharedKey?.raw ?? .zero)
        out.appendLine("protocol_version", 1)
        if let endpoint = peer.endpoint { out.appendLine("endpoint", text: endpoint.description) }
        let (seconds, attoseconds) = peer.lastHandshake?.components ?? (0, 0)
        out.appendLine("last_handshake_time_sec", UInt64(clamping: seconds))
        out.appendLine("last_handshake_time_nsec", UInt64(clamping: attoseconds / 1_000_000_000))
        out.appendLine("tx_bytes", peer.txBytes)
        out.appendLine("rx_bytes", peer.rxBytes)
        out.appendLine("persistent_keepalive_interval", UInt64(peer.persistentKeepaliveInterval ?? 0))
        for prefix in peer.allowedIPs { out.appendAllowedIP(prefix) }
    }

    /// `errno=0` or `errno=-N`, and the blank line that ends every answer.
    public static func appendStatus(_ error: UAPIError?, to out: inout [UInt8]) {
        out.appendText("errno=")
        if let error, error.errno != 0 { out.append(UInt8(ascii: "-")) }
        out.appendDecimal(UInt64(error?.errno.magnitude ?? 0))
        out.appendText("\n\n")
    }
}

extension [UInt8] {
    fileprivate mutating func appendLine(_ key: StaticString, _ value: UInt64) {
        appendKey(key)
        appendDecimal(value)
        append(UInt8(ascii: "\n"))
    }

    fileprivate mutating func appendLine(_ key: StaticString, hex value: Bytes32) {
        appendKey(key)
        let digits: StaticString = "0123456789abcdef"
        value.withUnsafeBytes { bytes in
            for byte in bytes {
                append(digits.utf8Start[Int(byte >> 4)])
                append(digits.utf8Start[Int(byte & 0x0F)])
            }
        }
        append(UInt8(ascii: "\n"))
    }

    fileprivate mutating func appendLine(_ key: StaticString, text: String) {
        appendKey(key)
        appendText(text)
        append(UInt8(ascii: "\n"))
    }

    /// Allowed IPs are the bulk of a large answer: IPv4 is formatted here directly,
    /// IPv6 through the address's own RFC 5952 text.
    fileprivate mutating func appendAllowedIP(_ prefix: IPPrefix) {
        appendKey("allowed_ip")
        switch prefix.address {
        case .v4(let address):
            for shift in stride(from: 24, through: 0, by: -8) {
                appendDecimal(UInt64(address.value >> UInt32(shift) & 0xFF))
                if shift != 0 { append(UInt8(ascii: ".")) }
            }
        case .v6(let address):
            appendText(address.description)
        }
        append(UInt8(ascii: "/"))
        appendDecimal(UInt64(prefix.length))
        append(UInt8(ascii: "\n"))
    }

    fileprivate mutating func appendKey(_ key: StaticString) {
        append(contentsOf: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
        append(UInt8(ascii: "="))
    }

    fileprivate mutating func appendText(_ text: String) {
        append(contentsOf: text.utf8)
    }

    fileprivate mutating func appendDecimal(_ value: UInt64) {
        // Digits come out lowest first: write them backwards into scratch space that
        // holds the 20 of UInt64.max.
        var scratch: (UInt64, UInt64, UInt64) = (0, 0, 0)
        Swift.withUnsafeMutableBytes(of: &scratch) { raw in
            var rest = value
            var start = raw.count
            repeat {
                start -= 1
                raw[start] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            } while rest > 0
            append(contentsOf: raw[start...])
        }
    }
}
