/// Which receive counters of one session have been seen, so a replayed or stale transport
/// packet is dropped while packets reordered by the network still get through.
///
/// A ring of bitmap words in the style of RFC 6479: moving the window forward clears whole
/// words instead of shifting bits, so every operation is O(1) apart from clearing at most
/// the ring once on a big jump. The bitmap lives inline (no heap), so a window can sit in a
/// session on the packet path.
///
/// Checking is split from committing: `check` before decrypting filters cheaply, `commit`
/// after the packet authenticated marks the counter. A forged packet therefore can never
/// move the window, and `commit` re-checks so two copies of one packet that both passed
/// `check` in the same batch are still told apart.
public struct ReplayWindow: Sendable {
    private static let wordBits = 64
    private static let wordCount = 128

    /// How far behind the newest accepted counter a packet may still arrive. One word of the
    /// ring is kept out of the window so that advancing, which clears whole words, never
    /// clears bits of counters still inside it.
    public static let windowSize = UInt64((wordCount - 1) * wordBits)

    private var words = InlineArray<128, UInt64>(repeating: 0)
    /// One past the greatest committed counter; 0 while nothing has been committed.
    private var next: UInt64 = 0

    public init() {}

    /// Whether a packet with this counter may be accepted: not at or past the protocol's
    /// message limit, not older than the window, not seen before.
    public func check(_ counter: UInt64) -> Bool {
        guard counter < ProtocolConstants.rejectAfterMessages else { return false }
        if counter >= next { return true }
        guard next - counter <= Self.windowSize else { return false }
        return words[Self.wordIndex(counter)] & Self.bitMask(counter) == 0
    }

    /// Marks the counter as seen once its packet authenticated. Returns false, and changes
    /// nothing, when `check` would now refuse it.
    public mutating func commit(_ counter: UInt64) -> Bool {
        guard check(counter) else { return false }
        if counter >= next { advance(to: counter) }
        words[Self.wordIndex(counter)] |= Self.bitMask(counter)
        return true
    }

    /// Clears the words between the current newest counter and `counter`, which become the
    /// new head of the ring; at most the whole ring once.
    private mutating func advance(to counter: UInt64) {
        // With nothing committed yet every word is still zero.
        if next > 0 {
            let oldWord = (next - 1) / UInt64(Self.wordBits)
            let newWord = counter / UInt64(Self.wordBits)
            let toClear = min(newWord - oldWord, UInt64(Self.wordCount))
            var step: UInt64 = 1
            while step <= toClear {
                words[Int((oldWord + step) % UInt64(Self.wordCount))] = 0
                step += 1
            }
        }
        next = counter + 1
    }

    private static func wordIndex(_ counter: UInt64) -> Int {
        Int(counter / UInt64(wordBits) % UInt64(wordCount))
    }

    private static func bitMask(_ counter: UInt64) -> UInt64 {
        1 << (counter % UInt64(wordBits))
    }
}
