import HorizonCrypto
import Testing

@Suite struct TAI64NTests {
    /// The Unix epoch is TAI64 label 2^62 + 10 (TAI-UTC in 1970), as wireguard-go writes it.
    @Test func unixEpochEncoding() {
        #expect(TAI64N(unixSeconds: 0, nanoseconds: 0).bytes == hex("400000000000000a 00000000"))
    }

    @Test func encodesBigEndianSecondsThenNanoseconds() throws {
        let stamp = TAI64N(unixSeconds: 1_700_000_000, nanoseconds: 123_456_789)
        #expect(stamp.bytes == hex("40000000 6553f10a 075bcd15"))
        #expect(try #require(TAI64N(stamp.bytes)) == stamp)
        #expect(TAI64N(counting(11)) == nil)
    }

    @Test func orderingIsByTimeAndMatchesBytes() {
        let earlier = TAI64N(unixSeconds: 1_700_000_000, nanoseconds: 999_999_999)
        let later = TAI64N(unixSeconds: 1_700_000_001, nanoseconds: 0)
        #expect(earlier < later)
        #expect(earlier.bytes.lexicographicallyPrecedes(later.bytes))
        #expect(TAI64N(unixSeconds: 5, nanoseconds: 1) > TAI64N(unixSeconds: 5, nanoseconds: 0))
    }

    /// Whitening drops the low 24 bits of the nanoseconds (about 16.8 ms).
    @Test func whiteningDropsSubSecondDetail() {
        let stamp = TAI64N(unixSeconds: 1_700_000_000, nanoseconds: 123_456_789)
        #expect(stamp.whitened.nanoseconds == 117_440_512)
        #expect(stamp.whitened.seconds == stamp.seconds)
        #expect(TAI64N(unixSeconds: 9, nanoseconds: 16_777_215).whitened == TAI64N(unixSeconds: 9, nanoseconds: 0))
    }
}
