import CLibFuzzer
import Glibc
import HorizonCore
import HorizonNAT
import HorizonUDP

/// Feeds arbitrary datagrams to the relay's core as a client's (to a fresh relay and to one
/// holding an allocation with a permission and a channel, once as sent and once re-signed
/// with the user's key so the request handlers past authentication are reached) and as a
/// peer's. Nothing may trap; every answer to the client must parse as STUN or ChannelData,
/// and a 5-tuple never holds two allocations.
let t0 = MonotonicTime(nanoseconds: 1_000_000_000_000)
let serverAddress = UDPAddress(ip: .v4(IPv4Address(192, 0, 2, 1)), port: 3478)
let relayed = UDPAddress(ip: .v4(IPv4Address(192, 0, 2, 1)), port: 50_000)
let clientAddress = UDPAddress(ip: .v4(IPv4Address(198, 51, 100, 2)), port: 40_000)
let peer = UDPAddress(ip: .v4(IPv4Address(203, 0, 113, 9)), port: 51820)
let configuration = TURNServerConfiguration(realm: "fuzz.test", users: ["alice": "secret"])
let key = try! STUNIntegrityKey.longTerm(username: "alice", realm: "fuzz.test", password: "secret")

/// A relay with one allocation (permission and channel to `peer`) made by Horizon's client,
/// and the nonce it handed out.
func allocatedServer() -> (TURNServer, String) {
    var server = try! TURNServer(configuration: configuration)
    var client = TURNClient(server: serverAddress, credentials: TURNCredentials(username: "alice", password: "secret"))
    client.allocate(now: t0)
    var nonce = ""
    for step in 0..<6 {
        if step == 2 { client.bindChannel(to: peer, now: t0) }
        for datagram in client.takeOutgoing() {
            for case .toClient(let bytes, _) in server.receive(fromClient: datagram, client: clientAddress, now: t0, openRelay: { relayed }) {
                if let n = (try? STUNReceivedMessage.parse(bytes))?.message.nonce { nonce = n }
                _ = client.receive(bytes, now: t0)
            }
        }
    }
    precondition(server.allocationCount == 1, "setup did not allocate")
    return (server, nonce)
}

let (prepared, nonce) = allocatedServer()

func feed(_ server: inout TURNServer, _ bytes: [UInt8]) {
    let outputs = server.receive(fromClient: bytes, client: clientAddress, now: t0, openRelay: { relayed })
    precondition(server.allocationCount <= 1, "two allocations on one 5-tuple")
    for case .toClient(let answer, let to) in outputs {
        precondition(to == clientAddress, "answered someone else")
        let kind = DatagramKind.classify(answer)
        precondition(kind == .stun || kind == .turnChannelData, "answered with \(kind)")
        if kind == .stun { precondition((try? STUNReceivedMessage.parse(answer)) != nil, "answer does not parse") }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzTURNServer(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var fresh = try! TURNServer(configuration: configuration)
    feed(&fresh, bytes)

    var server = prepared
    feed(&server, bytes)
    if var message = (try? STUNReceivedMessage.parse(bytes))?.message {
        message.attributes.removeAll { [.username, .realm, .nonce].contains($0.type) }
        message.attributes += [.username("alice"), .realm("fuzz.test"), .nonce(nonce)]
        var signed = prepared
        feed(&signed, message.encoded(integrity: key))
        _ = signed.poll(now: t0 + .seconds(3700))
    }
    _ = server.receive(fromPeer: bytes, peer: peer, relayed: relayed, now: t0)
    _ = server.poll(now: t0 + .seconds(301))
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzTURNServer))
