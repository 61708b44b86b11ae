import CLibFuzzer
import Glibc
import HorizonCore
import HorizonCrypto
import HorizonWireGuard

/// Feeds arbitrary datagrams to the WireGuard message parsers and the handshake steps a
/// device runs on them. Nothing may crash; whatever parses must serialize back to the
/// same bytes. The keys are those of the handshake test vectors, so seeds built from the
/// vectors (Fuzz/corpus/FuzzWireGuardMessages) pass mac1 and reach the Noise code.
enum Setup {
    static func key(_ hex: String) -> PrivateKey { PrivateKey(hex: hex)! }
    static let responder = StaticIdentity(privateKey: key("ee301dde8a3dea7019e326035802787d4eaf0befaad96d22732a480403307a3a"))
    static let initiator = StaticIdentity(privateKey: key("bc8104666edb1f71edf54a0d93450d47a1880e8e2ea64038098813dfc5cb25a9"))
    static let psk = PresharedKey(hex: "96f6320f7f2da22862ca5c52867516e7a6ae53d59b0c7052c98ddaf06ee8de22")!
    static let source: [UInt8] = [192, 0, 2, 1, 0xCA, 0x6C]
    static let now = MonotonicTime(nanoseconds: 1_000_000_000_000)
}

nonisolated(unsafe) var checker = CookieChecker(localStatic: Setup.responder.publicKey)
nonisolated(unsafe) var responderPeer = PeerHandshake(local: Setup.responder, remoteStatic: Setup.initiator.publicKey, presharedKey: Setup.psk)
nonisolated(unsafe) var initiatorPeer = PeerHandshake(local: Setup.initiator, remoteStatic: Setup.responder.publicKey, presharedKey: Setup.psk)
nonisolated(unsafe) var random = SystemRandomNumberGenerator()

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzWireGuardMessages(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let datagram = UnsafeRawBufferPointer(start: data, count: size)
    let type = MessageType(datagram: datagram)
    if let header = TransportHeader(packet: datagram) {
        precondition(type == .transportData, "transport header without type 4")
        var out = [UInt8](repeating: 0, count: TransportHeader.size)
        out.withUnsafeMutableBytes { header.write(to: $0.baseAddress!) }
        precondition(out.elementsEqual(datagram.prefix(TransportHeader.size)), "TransportHeader round trip")
    }
    if let reply = CookieReply(datagram) {
        precondition(reply.serialized().elementsEqual(datagram), "CookieReply round trip")
        _ = initiatorPeer.consumeCookieReply(reply, now: Setup.now)
    }
    if let response = HandshakeResponse(datagram) {
        precondition(response.serialized().elementsEqual(datagram), "HandshakeResponse round trip")
        _ = checker.verify(datagram, source: Setup.source, underLoad: size % 2 == 0, now: Setup.now)
        _ = initiatorPeer.consumeResponse(response)
    }
    if let initiation = HandshakeInitiation(datagram) {
        precondition(initiation.serialized().elementsEqual(datagram), "HandshakeInitiation round trip")
        switch checker.verify(datagram, source: Setup.source, underLoad: false, now: Setup.now) {
        case .invalidMAC1: break
        case .cookieRequired:
            _ = checker.makeCookieReply(to: datagram, source: Setup.source, now: Setup.now, using: &random)
        case .accept:
            if case .success(let received) = Setup.responder.openInitiation(initiation) {
                _ = responderPeer.respond(to: received, localIndex: 1, ephemeral: X25519.generatePrivateKey(), now: Setup.now)
            }
        }
    }
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzWireGuardMessages))
