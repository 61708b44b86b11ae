import HorizonCore

/// Anything that can lend its bytes as a contiguous raw buffer without copying.
///
/// The hashing and KDF functions take several of these at once (`Hash(a || b)`), so the
/// handshake can pass keys, arrays and message slices without concatenating them first.
public protocol BytesView {
    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R
}

extension Array: BytesView where Element == UInt8 {}
extension ArraySlice: BytesView where Element == UInt8 {}
extension Bytes32: BytesView {}

extension UnsafeRawBufferPointer: BytesView {
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(self)
    }
}

/// A single byte, as the HKDF counters of `WireGuardKDF` need.
extension UInt8: BytesView {
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try Swift.withUnsafeBytes(of: self, body)
    }
}
