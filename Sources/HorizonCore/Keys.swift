/// A 32-byte WireGuard key, written as base64 in config files and hex in the UAPI.
public protocol WireGuardKey: Hashable, Sendable, LosslessStringConvertible {
    var raw: Bytes32 { get }
    init(raw: Bytes32)
}

extension WireGuardKey {
    public init?(base64: String) {
        guard let bytes = Base64.decode(base64), let raw = Bytes32(bytes) else { return nil }
        self.init(raw: raw)
    }

    public init?(hex: String) {
        guard let bytes = Hex.decode(hex), let raw = Bytes32(bytes) else { return nil }
        self.init(raw: raw)
    }

    public init?(_ description: String) { self.init(base64: description) }

    public var base64: String { raw.withUnsafeBytes { Base64.encode($0) } }
    public var hex: String { raw.withUnsafeBytes { Hex.encode($0) } }
}

/// A peer's static public key (Curve25519).
public struct PublicKey: WireGuardKey {
    public let raw: Bytes32
    public init(raw: Bytes32) { self.raw = raw }
    public var description: String { base64 }
}

/// A static private key. `description` never reveals it, so it cannot leak into logs.
public struct PrivateKey: WireGuardKey {
    public let raw: Bytes32
    public init(raw: Bytes32) { self.raw = raw }
    public var description: String { "(private key)" }
}

/// An optional symmetric key mixed into the handshake for post-quantum resistance.
public struct PresharedKey: WireGuardKey {
    public let raw: Bytes32
    public init(raw: Bytes32) { self.raw = raw }
    public var description: String { "(preshared key)" }
}
