import HorizonCore
import HorizonDevice
import HorizonNode
import Testing

@Suite struct ConfigOperationsTests {
    @Test func translatesTheFileIntoSetOperationsInWgSetconfOrder() throws {
        let privateKey = "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk="
        let peer = "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg="
        let psk = "FpCyhws9cxwWoV4xELtfJvjJN+zQVRPISllRWgeopVE="
        let config = try WireGuardConfig.parse("""
            [Interface]
            PrivateKey = \(privateKey)
            ListenPort = 51820
            Address = 10.0.0.1/24
            [Peer]
            PublicKey = \(peer)
            PresharedKey = \(psk)
            Endpoint = [fd00::2]:51821
            PersistentKeepalive = 25
            AllowedIPs = 10.0.0.7/24, fd01::/64
            """, fileName: "t.conf")
        #expect(try ConfigOperations.operations(for: config, fwmark: 51820) == [
            .privateKey(PrivateKey(base64: privateKey)!), .listenPort(51820), .fwmark(51820),
            .peer(PublicKey(base64: peer)!), .presharedKey(PresharedKey(base64: psk)!),
            .endpoint(Endpoint("[fd00::2]:51821")!), .persistentKeepaliveInterval(25),
            .allowedIP(IPPrefix("10.0.0.0/24")!), .allowedIP(IPPrefix("fd01::/64")!),
        ])
    }

    @Test func resolvesEndpointNamesBeforeTheDeviceSeesThem() throws {
        let resolved = try EndpointResolver.resolve(Endpoint("localhost:51820")!)
        #expect(resolved.port == 51820)
        guard case .address(let address) = resolved.host else { Issue.record("not resolved"); return }
        #expect(address == IPAddress("127.0.0.1") || address == IPAddress("::1"))
    }
}
