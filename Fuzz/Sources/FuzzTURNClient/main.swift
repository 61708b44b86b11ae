import CLibFuzzer
import Glibc
import HorizonCore
import HorizonNAT
import HorizonUDP

/// Feeds arbitrary datagrams to a TURN client as if they came from its server: as they
/// are, as the answer to its pending request (the transaction id spliced in), and signed
/// with its key once it is authenticated. Nothing may trap, data may only come from a
/// bound channel or a Data indication, and every event must concern a request it made.
let server = UDPAddress(ip: .v4(IPv4Address(192, 0, 2, 1)), port: 3478)
let peer = UDPAddress(ip: .v4(IPv4Address(198, 51, 100, 7)), port: 51820)
let credentials = TURNCredentials(username: "fuzz", password: "fuzz")
let key = try! STUNIntegrityKey.longTerm(username: "fuzz", realm: "fuzz.test", password: "fuzz")
let t0 = MonotonicTime(nanoseconds: 1_000_000_000_000)

/// A client with an allocation and a channel to `peer`, built by answering its requests.
func allocatedClient() -> TURNClient {
    var client = TURNClient(server: server, credentials: credentials)
    client.allocate(now: t0)
    func answer(_ attributes: [STUNAttribute], error: Bool, sign: Bool) {
        let request = try! STUNReceivedMessage.parse(client.takeOutgoing()[0]).message
        let type = STUNMessageType(method: request.type.method, messageClass: error ? .errorResponse : .successResponse)
        let bytes = STUNMessage(type: type, transactionID: request.transactionID, attributes: attributes).encoded(integrity: sign ? key : nil)
        _ = client.receive(bytes, now: t0)
    }
    answer([.errorCode(.unauthenticated()), .realm("fuzz.test"), .nonce("n")], error: true, sign: false)
    answer([.xorRelayedAddress(UDPAddress(ip: server.ip, port: 50_000)), .lifetime(600)], error: false, sign: true)
    client.bindChannel(to: peer, now: t0)
    answer([], error: false, sign: true)
    precondition(client.boundChannel(to: peer) == 0x4000, "fixture did not bind")
    return client
}
let allocated = allocatedClient()

func check(_ events: [TURNEvent], pending: TURNRequest?) {
    for event in events {
        switch event {
        case .data(let from, _): precondition(from.ip == peer.ip, "data from \(from), which has no channel or permission here")
        case .failed(let request, _): precondition(request == pending, "a failure for \(request), never asked")
        case .allocated, .refreshed, .released, .permissionCreated, .channelBound:
            precondition(pending != nil, "an answer with nothing pending")
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzTURN(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var fresh = TURNClient(server: server, credentials: credentials)
    fresh.allocate(now: t0)
    let allocateID = try! STUNReceivedMessage.parse(fresh.takeOutgoing()[0]).message.transactionID
    check(fresh.receive(bytes, now: t0), pending: .allocate)
    if bytes.count >= 20 {
        var spliced = bytes
        spliced.replaceSubrange(8..<20, with: allocateID.bytes)
        check(fresh.receive(spliced, now: t0), pending: .allocate)
    }

    var client = allocated
    client.createPermission(for: peer.ip, now: t0)
    let request = try! STUNReceivedMessage.parse(client.takeOutgoing()[0]).message
    check(client.receive(bytes, now: t0), pending: .createPermission(peer.ip))
    if var message = (try? STUNReceivedMessage.parse(bytes))?.message {
        message.transactionID = request.transactionID
        check(client.receive(message.encoded(integrity: key), now: t0), pending: .createPermission(peer.ip))
    }
    _ = client.poll(now: t0 + .seconds(700))
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzTURN))
