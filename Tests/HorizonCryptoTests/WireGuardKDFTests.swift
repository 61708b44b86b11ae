import HorizonCore
import HorizonCrypto
import Testing

/// Expected values come from an independent computation in Python:
/// `hmac.new(key, msg, hashlib.blake2s)` and `hashlib.blake2s(msg, key=k, digest_size=16)`.
@Suite struct WireGuardKDFTests {
    @Test(arguments: [
        (counting(32), "576972654775617264", "5415924543576b3f5ee867c94e1aab70586d33b32fae3fccd2c635b3e1d7198d"),
        ([], "", "eaf4bb25938f4d20e72656bbbc7a9bf63c0c18537333c35bdb67db1402661acd"),
        // A key of exactly one block, and one longer than a block (hashed first).
        (counting(64), Hex.encode(counting(100)), "647576eb06d7546ce6db9b3c0c1509a64cc7fae9cb732ee3845e7b486ad26edc"),
        (counting(100), "616263", "c1b751501db12b753069a918627b623179be55c8cc7ca5c4e14bdf32274ac656"),
        (Array("key".utf8), Hex.encode(Array("The quick brown fox jumps over the lazy dog".utf8)),
         "f93215bb90d4af4c3061cd932fb169fb8bb8a91d0b4022baea1271e1323cd9a0"),
    ])
    func hmacMatchesPython(key: [UInt8], message: String, expected: String) {
        #expect(WireGuardKDF.hmac(key: key, hex(message)).bytes == hex(expected))
    }

    @Test func hmacOfPartsEqualsHmacOfConcatenation() {
        let key = counting(32)
        #expect(WireGuardKDF.hmac(key: key, Array("Wire".utf8), Array("Guard".utf8)) == WireGuardKDF.hmac(key: key, Array("WireGuard".utf8)))
    }

    @Test func macIsKeyedBLAKE2s128() {
        #expect(WireGuardKDF.mac(key: counting(32), Array("message".utf8)).bytes == hex("2b75eb9c63ca8524ff53d01905b406eb"))
    }

    @Test func hashOfPartsIsHashOfConcatenation() {
        #expect(WireGuardKDF.hash(Array("a".utf8), Array("bc".utf8)).bytes
            == hex("508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982"))
    }

    @Test func kdfOutputsFollowHKDF() {
        let chainingKey = Bytes32(counting(32))!
        let input = Array("input key material".utf8)
        let (a1, a2, a3) = WireGuardKDF.kdf3(key: chainingKey, input)
        #expect(a1.bytes == hex("93e2a65883e34ac95485f5d0aa4b09163a4e944dab8cf9406d3a138e362851c6"))
        #expect(a2.bytes == hex("dd6fae42afdb2a41170f44dc5b885ec4cfd17c8dd324d38b390c548630dd0a83"))
        #expect(a3.bytes == hex("4125e0adfa9b7e736615e99dde6f3f0b64b949d8b480e82cab2e685dc286e45d"))
        let (b1, b2) = WireGuardKDF.kdf2(key: chainingKey, input)
        #expect(b1 == a1 && b2 == a2)
        #expect(WireGuardKDF.kdf1(key: chainingKey, input) == a1)
    }

    /// KDF_2(C, ε) is how WireGuard derives its transport keys.
    @Test func kdfOfEmptyInput() {
        let (t1, t2) = WireGuardKDF.kdf2(key: Bytes32(counting(32))!, [UInt8]())
        #expect(t1.bytes == hex("7a38c34bf2b8738d7374ca77c44ecb309a11d2b2528304fa86052c365e722624"))
        #expect(t2.bytes == hex("1a17621f346abdc520746a9fb64d8eb03231d674fc15687537b0780fd9c060fd"))
    }
}
