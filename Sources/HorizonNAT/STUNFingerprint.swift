/// FINGERPRINT (RFC 8489 §14.7): CRC-32 of the message before it, XORed with "STUN" so
/// that it differs from a CRC other protocols sharing the port might carry.
enum STUNFingerprint {
    static let xorValue: UInt32 = 0x5354_554E

    static func value(of bytes: some Sequence<UInt8>) -> UInt32 {
        CRC32.checksum(bytes) ^ xorValue
    }
}
