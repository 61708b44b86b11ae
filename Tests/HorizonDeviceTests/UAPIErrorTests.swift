import HorizonDevice
import Testing

/// Each request wireguard-go (0.0.20220316) answered with an error when we sent it, and
/// the errno it answered with; we must answer the same.
@Suite struct UAPIErrorTests {
    static let peer = "set=1\npublic_key=" + String(repeating: "22", count: 32) + "\n"

    static let refused: [(String, Int32)] = [
        ("set=1\nlisten_port=abc\n\n", 22),
        ("set=1\nbogus\n\n", 71),
        ("set=1\nfoo=bar\n\n", 22),
        ("set=1\n=\n\n", 22),
        ("set=1\nreplace_peers=false\n\n", 22),
        ("set=1\nlisten_port=\n\n", 22),
        ("set=1\nlisten_port=+5\n\n", 22),
        ("set=1\nlisten_port=65536\n\n", 22),
        ("set=1\nfwmark=0x10\n\n", 22),
        ("set=1\nprivate_key=zz\n\n", 22),
        ("set=1\nprivate_key=" + String(repeating: "1", count: 62) + "\n\n", 22),
        (peer + "allowed_ip=10.0.0.0/33\n\n", 22),
        (peer + "allowed_ip=10.0.0.1\n\n", 22),
        (peer + "allowed_ip=10.1.0.0/16 \n\n", 22),
        (peer + "allowed_ip=010.1.0.0/16\n\n", 22),
        (peer + "protocol_version=2\n\n", 22),
        (peer + "remove=yes\n\n", 22),
        (peer + "endpoint=example.com:1\n\n", 22),
        (peer + "endpoint=1.2.3.4\n\n", 22),
        (peer + "persistent_keepalive_interval=65536\n\n", 22),
        // Device keys are not accepted once a peer is selected.
        (peer + "listen_port=1\n\n", 22),
        ("get=1\nx\n", 22),
    ]

    static let accepted: [String] = [
        "set=1\nlisten_port=0051998\n\n",
        peer + "endpoint=[::1]:5\nallowed_ip=10.1.0.0/16\n\n",
        "set=1\npublic_key=" + String(repeating: "0", count: 64) + "\nupdate_only=true\n\n",
        // Upper-case hex is accepted.
        "set=1\npublic_key=" + String(repeating: "AB", count: 32) + "\n\n",
    ]

    @Test(arguments: refused)
    func answersWithTheSameErrno(request: String, errno: Int32) {
        let events = UAPIRequestDecoderTests.decode(request)
        #expect(events.last.flatMap(UAPIRequestDecoderTests.errno) == errno, "\(events)")
    }

    @Test(arguments: accepted)
    func acceptsWhatWireGuardGoAccepts(request: String) {
        #expect(UAPIRequestDecoderTests.decode(request).last == .setCompleted)
    }

    @Test func statusLines() {
        func status(_ error: UAPIError?) -> String {
            var out: [UInt8] = []
            UAPIResponse.appendStatus(error, to: &out)
            return String(decoding: out, as: UTF8.self)
        }
        #expect(status(nil) == "errno=0\n\n")
        #expect(status(.invalid("x")) == "errno=-22\n\n")
        #expect(status(.malformed("x")) == "errno=-71\n\n")
        #expect(status(.io("x")) == "errno=-5\n\n")
        #expect(status(.portInUse("x")) == "errno=-98\n\n")
    }

    @Test func keysAreNotEchoedInMessages() {
        let secret = String(repeating: "ab", count: 31) + "zz"
        let events = UAPIRequestDecoderTests.decode("set=1\nprivate_key=\(secret)\n\n")
        guard case .failed(let error) = events.last else {
            Issue.record("expected a failure, got \(events)")
            return
        }
        #expect(!error.message.contains(secret))
    }
}
