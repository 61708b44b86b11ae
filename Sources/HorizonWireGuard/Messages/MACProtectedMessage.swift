import HorizonCrypto

/// A handshake message ending in mac1 and mac2 (16 bytes each), which the WireGuard paper
/// computes over the serialized message up to each field (§5.4.4).
public protocol MACProtectedMessage {
    static var size: Int { get }
    var mac1: Bytes16 { get set }
    var mac2: Bytes16 { get set }
    func serialized() -> [UInt8]
}

extension MACProtectedMessage {
    /// Bytes covered by mac1: everything before it.
    static var mac1Offset: Int { size - 32 }
    /// Bytes covered by mac2: everything before it, mac1 included.
    static var mac2Offset: Int { size - 16 }
}
