import HorizonCore
import HorizonCrypto

/// Reads the fixed-layout fields of a WireGuard message in order. The caller checks the
/// total size first, so every read here is in bounds.
struct WireReader {
    private let bytes: UnsafeRawBufferPointer
    private var offset = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    mutating func uint32() -> UInt32 {
        defer { offset += 4 }
        return UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    mutating func uint64() -> UInt64 {
        defer { offset += 8 }
        return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    mutating func bytes32() -> Bytes32 {
        defer { offset += 32 }
        return Bytes32(copying: bytes.baseAddress! + offset)
    }

    mutating func bytes16() -> Bytes16 {
        defer { offset += 16 }
        return Bytes16(copying: bytes.baseAddress! + offset)
    }

    mutating func array(_ count: Int) -> [UInt8] {
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }
}

/// Builds a WireGuard message field by field, little-endian.
struct WireWriter {
    private(set) var bytes: [UInt8]

    init(capacity: Int) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    mutating func uint32(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func append(_ field: some BytesView) {
        field.withUnsafeBytes { bytes.append(contentsOf: $0) }
    }
}
