import HorizonNode
import Testing

/// The flags `horizon tunnel` hands to horizon-tunnel when it execs it.
@Suite struct TunnelArgumentsTests {
    @Test func wordsParseBackToTheSameArguments() {
        for arguments in [TunnelArguments(config: "/etc/wg0.conf", interface: nil),
                          TunnelArguments(config: "a b.conf", interface: "wg-test")] {
            #expect(TunnelArguments(arguments.words) == arguments)
        }
    }

    @Test func acceptsInlineValues() {
        #expect(TunnelArguments(["--interface=wg1", "--config=x.conf"]) == TunnelArguments(config: "x.conf", interface: "wg1"))
    }

    @Test func refusesWhatHorizonNeverPasses() {
        #expect(TunnelArguments([]) == nil)
        #expect(TunnelArguments(["--interface", "wg0"]) == nil)
        #expect(TunnelArguments(["--config"]) == nil)
        #expect(TunnelArguments(["--config", "a", "--config", "b"]) == nil)
        #expect(TunnelArguments(["--config", "a", "--verbose", "1"]) == nil)
    }
}
