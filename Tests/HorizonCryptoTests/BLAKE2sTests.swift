import HorizonCore
@testable import HorizonCrypto
import Testing

@Suite struct BLAKE2sTests {
    /// RFC 7693 Appendix B: BLAKE2s-256("abc").
    @Test func rfc7693AppendixB() {
        #expect(BLAKE2s.hash(Array("abc".utf8)) == hex("508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982"))
    }

    /// Keyed entries of the BLAKE2 reference KAT (blake2s-kat.txt): key 00..1f, input 00 01 .. of the given length.
    @Test(arguments: [
        (0, "48a8997da407876b3d79c0d92325ad3b89cbb754d86ab71aee047ad345fd2c49"),
        (1, "40d15fee7c328830166ac3f918650f807e7e01e177258cdc0a39b11f598066f1"),
        (2, "6bb71300644cd3991b26ccd4d274acd1adeab8b1d7914546c1198bbe9fc9d803"),
        (63, "c65382513f07460da39833cb666c5ed82e61b9e998f4b0c4287cee56c3cc9bcd"),
        (64, "8975b0577fd35566d750b362b0897a26c399136df07bababbde6203ff2954ed4"),
        (65, "21fe0ceb0052be7fb0f004187cacd7de67fa6eb0938d927677f2398c132317a8"),
        (255, "3fb735061abc519dfe979e54c1ee5bfad0a9d858b3315bad34bde999efd724dd"),
    ])
    func keyedReferenceKAT(length: Int, expected: String) {
        #expect(BLAKE2s.hash(counting(length), key: counting(32)) == hex(expected))
    }

    /// Shorter outputs change the parameter block, not just the truncation (values from Python's hashlib).
    @Test(arguments: [
        (1, "0d"),
        (16, "aa4938119b1dc7b87cbad0ffd200d0ae"),
        (20, "5ae3b99be29b01834c3b508521ede60438f8de17"),
        (31, "6ffb901930ebaf1d3cabe0b60c20de3bc9dd26269325629f1671304fe6bb26"),
    ])
    func outputLengths(length: Int, expected: String) {
        #expect(BLAKE2s.hash(Array("abc".utf8), outputLength: length) == hex(expected))
    }

    @Test func shortKeyAndShortOutput() {
        var hasher = BLAKE2s(outputLength: 16, key: counting(16))
        hasher.update(Array("hello".utf8))
        #expect(hasher.finalizeBytes16().bytes == hex("6a25fa5a331f36d9bda9c0aeca70bc0b"))
    }

    /// Any split of the input into updates gives the one-shot hash, across block boundaries.
    @Test(arguments: [1, 7, 63, 64, 65, 128, 999])
    func streamingMatchesOneShot(chunk: Int) {
        let input = (0..<1000).map { UInt8($0 % 251) }
        let expected = hex("1c067a5e746fb0f6734efac9a8cdb0e11061f0077f255184365c690115392501")
        #expect(BLAKE2s.hash(input) == expected)
        var hasher = BLAKE2s()
        var start = 0
        while start < input.count {
            hasher.update(input[start..<min(start + chunk, input.count)])
            start += chunk
        }
        #expect(hasher.finalizeBytes32().bytes == expected)
    }

    @Test func finalizeLeavesTheHasherUsable() {
        var hasher = BLAKE2s()
        hasher.update(Array("ab".utf8))
        let prefix: [UInt8] = hasher.finalize()
        hasher.update(Array("c".utf8))
        #expect(prefix == BLAKE2s.hash(Array("ab".utf8)))
        #expect(hasher.finalizeBytes32().bytes == BLAKE2s.hash(Array("abc".utf8)))
    }
}
