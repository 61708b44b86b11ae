extension RandomNumberGenerator {
    /// Fills `buffer` with the generator's output, each 64-bit draw laid down little-endian.
    /// Fixing that layout means a test generator that replays known bytes yields exactly
    /// those bytes as keys, secrets and nonces.
    public mutating func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        var offset = 0
        while offset < buffer.count {
            var word = next().littleEndian
            let take = min(8, buffer.count - offset)
            withUnsafeBytes(of: &word) { word in
                buffer.baseAddress!.advanced(by: offset).copyMemory(from: word.baseAddress!, byteCount: take)
            }
            offset += take
        }
    }
}
