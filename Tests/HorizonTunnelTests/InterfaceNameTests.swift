import HorizonNode
import Testing

@Suite struct InterfaceNameTests {
    @Test(arguments: ["wg0", "hzhz-a", "a.b_c=d+e-f", "abcdefghijklmno"])
    func acceptsWgQuickNames(_ name: String) throws {
        #expect(try InterfaceName(name).description == name)
    }

    @Test(arguments: ["", "abcdefghijklmnop", "wg 0", "wg/0", "..", "wg0\n", "wgé"])
    func refusesOthers(_ name: String) {
        #expect(throws: TunnelError.self) { try InterfaceName(name) }
    }

    @Test func namesTheInterfaceAfterTheConfigFile() throws {
        #expect(try InterfaceName(configPath: "/etc/wireguard/wg0.conf").description == "wg0")
        #expect(try InterfaceName(configPath: "office").description == "office")
        let error = #expect(throws: TunnelError.self) { try InterfaceName(configPath: "/tmp/a very long name.conf") }
        #expect(error?.description.contains("--interface") == true)
    }
}
