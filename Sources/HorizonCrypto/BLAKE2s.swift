import HorizonCore

/// BLAKE2s (RFC 7693): a streaming hasher with 1...32-byte output and an optional key of
/// up to 32 bytes.
///
/// Pure Swift rather than libcrypto: OpenSSL 3.0's EVP BLAKE2s takes neither a key nor
/// an output length, and WireGuard needs both (keyed 16-byte MACs). The hasher is a value
/// with its state inline, so hashing allocates nothing unless an `[UInt8]` result is asked for.
public struct BLAKE2s: Sendable {
    public static let blockSize = 64
    public static let maxOutputLength = 32
    public static let maxKeyLength = 32

    private var h: SIMD8<UInt32>
    /// Bytes not yet compressed. The last block must be compressed with the final flag,
    /// so a full buffer is only flushed once more input arrives.
    private var buffer = SIMD16<UInt32>()
    private var buffered = 0
    private var byteCount: UInt64 = 0
    public let outputLength: Int

    /// Starts a hash. `outputLength` must be 1...32 and `key` at most 32 bytes (traps otherwise:
    /// both are fixed by the caller's protocol, never by input data).
    public init(outputLength: Int = 32, key: some BytesView = [UInt8]()) {
        precondition((1...Self.maxOutputLength).contains(outputLength), "BLAKE2s output length must be 1...32")
        self.outputLength = outputLength
        h = BLAKE2sCompression.iv
        key.withUnsafeBytes { key in
            precondition(key.count <= Self.maxKeyLength, "BLAKE2s key must be at most 32 bytes")
            // Parameter block word 0: digest length, key length, fanout 1, depth 1.
            h[0] ^= 0x0101_0000 ^ (UInt32(key.count) << 8) ^ UInt32(outputLength)
            if !key.isEmpty {
                // A key is hashed as a first block of its own, zero-padded.
                withUnsafeMutableBytes(of: &buffer) { $0.copyMemory(from: key) }
                buffered = Self.blockSize
            }
        }
    }

    public mutating func update(_ data: some BytesView) {
        data.withUnsafeBytes { absorb($0) }
    }

    private mutating func absorb(_ data: UnsafeRawBufferPointer) {
        guard var input = data.baseAddress, !data.isEmpty else { return }
        var remaining = data.count
        while remaining > 0 {
            if buffered == Self.blockSize {
                byteCount &+= UInt64(Self.blockSize)
                let count = byteCount
                withUnsafeBytes(of: buffer) { BLAKE2sCompression.compress(&h, block: $0.baseAddress!, byteCount: count, isLast: false) }
                buffered = 0
            }
            // Whole blocks straight from the input, keeping at least one byte for the final block.
            while buffered == 0 && remaining > Self.blockSize {
                byteCount &+= UInt64(Self.blockSize)
                BLAKE2sCompression.compress(&h, block: input, byteCount: byteCount, isLast: false)
                input += Self.blockSize
                remaining -= Self.blockSize
            }
            let take = min(remaining, Self.blockSize - buffered)
            let offset = buffered
            withUnsafeMutableBytes(of: &buffer) { ($0.baseAddress! + offset).copyMemory(from: input, byteCount: take) }
            buffered += take
            input += take
            remaining -= take
        }
    }

    /// Writes the hash of everything absorbed so far into `output`, which must hold exactly
    /// `outputLength` bytes. The hasher itself is left as it was.
    public func finalize(into output: UnsafeMutableRawBufferPointer) {
        precondition(output.count == outputLength, "output buffer must match the BLAKE2s output length")
        var state = h
        var last = buffer
        let pad = buffered
        withUnsafeMutableBytes(of: &last) { _ = ($0.baseAddress! + pad).initializeMemory(as: UInt8.self, repeating: 0, count: Self.blockSize - pad) }
        withUnsafeBytes(of: last) {
            BLAKE2sCompression.compress(&state, block: $0.baseAddress!, byteCount: byteCount &+ UInt64(pad), isLast: true)
        }
        for i in 0..<8 { state[i] = state[i].littleEndian }
        withUnsafeBytes(of: state) { output.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[0..<outputLength])) }
    }

    /// The 32-byte hash as an inline value (no allocation).
    public func finalizeBytes32() -> Bytes32 {
        var out = Bytes32()
        out.withUnsafeMutableBytes { finalize(into: $0) }
        return out
    }

    /// The 16-byte hash (WireGuard's MAC size) as an inline value.
    public func finalizeBytes16() -> Bytes16 {
        var out = Bytes16()
        out.withUnsafeMutableBytes { finalize(into: $0) }
        return out
    }

    /// The hash as a new array of `outputLength` bytes.
    public func finalize() -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: outputLength) { buffer, initialized in
            finalize(into: UnsafeMutableRawBufferPointer(buffer))
            initialized = outputLength
        }
    }

    /// One-shot hash of `data`.
    public static func hash(_ data: some BytesView, outputLength: Int = 32, key: some BytesView = [UInt8]()) -> [UInt8] {
        var hasher = BLAKE2s(outputLength: outputLength, key: key)
        hasher.update(data)
        return hasher.finalize()
    }
}
