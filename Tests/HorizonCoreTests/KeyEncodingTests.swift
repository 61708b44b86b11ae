import HorizonCore
import Testing

@Suite struct KeyEncodingTests {
    @Test func base64RoundTripsAllLengths() {
        for n in 0..<40 {
            let bytes = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
        }
    }

    @Test func base64MatchesRFC4648Vectors() {
        let vectors = ["": "", "f": "Zg==", "fo": "Zm8=", "foo": "Zm9v", "foob": "Zm9vYg==",
                       "fooba": "Zm9vYmE=", "foobar": "Zm9vYmFy"]
        for (plain, encoded) in vectors {
            #expect(Base64.encode(Array(plain.utf8)) == encoded)
            #expect(Base64.decode(encoded) == Array(plain.utf8))
        }
    }

    @Test func base64RejectsMalformedText() {
        for bad in ["Zg=", "Zg", "Z===", "Zm9v\n", "Zh==", "Zm9=", "Zm$v", "====", "Zg==Zg=="] {
            #expect(Base64.decode(bad) == nil, "accepted \(bad)")
        }
    }

    @Test func keyParsesWireGuardText() throws {
        // A key pair printed by `wg genkey | wg pubkey`.
        let text = "HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykw="
        let key = try #require(PublicKey(base64: text))
        #expect(key.base64 == text)
        #expect(key.hex == "1c8828f7137324c58b2804928624ea2326f1674537c062e251e2753ca7fcca4c")
        #expect(PublicKey(hex: key.hex) == key)
        #expect(PublicKey(base64: "c2hvcnQ=") == nil)
    }

    @Test func privateKeyNeverPrintsItself() throws {
        let key = try #require(PrivateKey(base64: "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk="))
        #expect(!"\(key)".contains("yAnz"))
    }

    @Test func hexRejectsOddAndNonHex() {
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("zz") == nil)
        #expect(Hex.decode("ABcd") == [0xAB, 0xCD])
    }
}
