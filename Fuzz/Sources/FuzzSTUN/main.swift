import CLibFuzzer
import Glibc
import HorizonCore
import HorizonNAT
import HorizonUDP

/// Feeds arbitrary datagrams to everything on the STUN receive path: the demultiplexer,
/// the STUN parser, integrity checking, the responder and ChannelData framing. Nothing may
/// trap; whatever parses must survive a trip through the encoder unchanged, and whatever
/// the responder answers must itself parse as a response to the same transaction.
let key = STUNIntegrityKey(bytes: Array("hzs-fuzz".utf8))
let source = UDPAddress(ip: .v6(IPv6Address(high: 0x2001_0DB8_0000_0000, low: 7)), port: 4242)
let responder = STUNResponder(software: "fuzz")

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzSTUN(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let kind = DatagramKind.classify(bytes)
    if let received = try? STUNReceivedMessage.parse(bytes) {
        precondition(kind == .stun, "a parsed STUN message was classified \(kind)")
        _ = received.verifyIntegrity(key: key)
        let again = try? STUNReceivedMessage.parse(received.message.encoded(integrity: key, fingerprint: true))
        precondition(again?.message == received.message, "re-encoding changed the message")
        precondition(again?.verifyIntegrity(key: key) == true, "own integrity does not verify")
    }
    if let answer = responder.respond(to: bytes, from: source) {
        let response = try? STUNReceivedMessage.parse(answer)
        precondition(response?.message.transactionID == (try? STUNHeader.parse(bytes))?.transactionID, "answer to another transaction")
        precondition(response?.message.type.messageClass != .request, "answered with a request")
    }
    if kind == .turnChannelData, let frame = try? bytes.withUnsafeBytes({ try TURNChannelData.parse($0) }) {
        precondition(frame.data.upperBound <= size, "ChannelData past the datagram")
    }
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzSTUN))
