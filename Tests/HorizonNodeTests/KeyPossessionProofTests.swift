import HorizonCore
import HorizonNode
import Testing

@Suite struct KeyPossessionProofTests {
    /// Expected value from an independent computation (Python `cryptography` X25519 + hmac):
    /// node private key 01..20, broker private key 65..84, nonce 32 × 0xAA.
    @Test func matchesAnIndependentComputation() throws {
        let nodeKey = try #require(PrivateKey(base64: "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA="))
        let brokerPublic = try #require(PublicKey(base64: "VxR2nRFr92Q2rnS8eT0sMK0ZA8WaxSc4BcfiaYtBDDY="))
        let proof = try #require(KeyPossessionProof.make(nodeKey: nodeKey, brokerPublicKey: brokerPublic, nonce: [UInt8](repeating: 0xAA, count: 32)))
        #expect(Hex.encode(proof) == "e62cba8bad510ed66031ed073e1cc5142e437bbf6507d6f402b85c332ff2d598")
    }

    @Test func dependsOnTheNonceAndRefusesALowOrderBrokerKey() throws {
        let nodeKey = try #require(PrivateKey(base64: "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA="))
        let brokerPublic = try #require(PublicKey(base64: "VxR2nRFr92Q2rnS8eT0sMK0ZA8WaxSc4BcfiaYtBDDY="))
        let a = KeyPossessionProof.make(nodeKey: nodeKey, brokerPublicKey: brokerPublic, nonce: [1])
        let b = KeyPossessionProof.make(nodeKey: nodeKey, brokerPublicKey: brokerPublic, nonce: [2])
        #expect(a != nil && a != b)
        let zeroPoint = try #require(PublicKey(base64: String(repeating: "A", count: 43) + "="))
        #expect(KeyPossessionProof.make(nodeKey: nodeKey, brokerPublicKey: zeroPoint, nonce: [1]) == nil)
    }
}
