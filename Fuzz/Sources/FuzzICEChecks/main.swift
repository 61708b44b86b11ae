import CLibFuzzer
import Glibc
import HorizonCore
import HorizonNAT
import HorizonUDP

/// Feeds arbitrary datagrams to a connectivity checker, as they are and, when they parse
/// as STUN, signed with the right short-term key (as a peer's check, and as the answer to
/// the checker's own pending check). Nothing may trap; answers go only to where the
/// datagram came from; a selected pair must be one the checker has.
let local = ICECredentials(ufrag: "lllll", password: "local-password-0123456789")
let remote = ICECredentials(ufrag: "rrrrr", password: "remote-password-012345678")
let localKey = try! STUNIntegrityKey.shortTerm(password: local.password)
let remoteKey = try! STUNIntegrityKey.shortTerm(password: remote.password)
let host = ICECandidate(kind: .host, address: UDPAddress(ip: .v4(IPv4Address(192, 0, 2, 1)), port: 51820))
let relayed = ICECandidate(kind: .relayed, address: UDPAddress(ip: .v4(IPv4Address(203, 0, 113, 9)), port: 40000))
let peer = ICECandidate(kind: .serverReflexive, address: UDPAddress(ip: .v4(IPv4Address(198, 51, 100, 2)), port: 6000))
let t0 = MonotonicTime(nanoseconds: 1_000_000_000_000)

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzICE(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let role: ICEChecker.Role = size % 2 == 0 ? .controlling : .controlled
    var checker = try! ICEChecker(role: role, tieBreaker: UInt64(size), local: local, remote: remote,
                                  localCandidates: [host, relayed], remoteCandidates: [peer], now: t0)
    _ = checker.poll(now: t0)
    let pending = checker.takeOutgoing().compactMap { try? STUNReceivedMessage.parse($0.bytes).message }
    let path: ICEPath = size % 3 == 0 ? .relay : .direct

    var inputs = [bytes]
    if var message = (try? STUNReceivedMessage.parse(bytes))?.message {
        var request = message
        request.type = .bindingRequest
        request.attributes.insert(.username(local.ufrag + ":" + remote.ufrag), at: 0)
        inputs.append(request.encoded(integrity: localKey, fingerprint: true))
        if let id = pending.first?.transactionID {
            message.transactionID = id
            inputs.append(message.encoded(integrity: remoteKey))
        }
    }
    for input in inputs {
        let events = checker.receive(input, from: peer.address, path: path, now: t0 + .milliseconds(20))
        for datagram in checker.takeOutgoing() where DatagramKind.classify(datagram.bytes) == .stun {
            let answer = try? STUNReceivedMessage.parse(datagram.bytes)
            if answer?.message.type.messageClass != .request {
                precondition(datagram.destination == peer.address && datagram.path == path, "answered elsewhere")
            }
        }
        for case .selected(let pair) in events {
            precondition(checker.pairs.contains { $0.local == pair.local && $0.remote == pair.remote }, "selected an unknown pair")
        }
    }
    _ = checker.poll(now: t0 + .seconds(60))
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzICE))
