// Microbenchmark for the packet-path crypto and the handshake (not a test: timing never
// decides pass/fail).
// Run in release: swift run -c release --scratch-path .build-dp HorizonCryptoBench [seconds]
#if canImport(Glibc)
import Glibc
#endif
import HorizonCore
import HorizonCrypto
import HorizonWireGuard

// Arguments: [seconds per case, default 2] [substring selecting cases, default all].
let secondsPerCase = CommandLine.arguments.count > 1 ? Double(CommandLine.arguments[1]) ?? 2 : 2
let only = CommandLine.arguments.count > 2 ? CommandLine.arguments[2] : ""
let packetSize = 1420

/// CPU time this thread has used, so rates are per core even when other processes
/// share the machine (wall-clock rates here swing with the neighbours' builds).
func threadCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Runs `body` in batches until `secondsPerCase` of CPU time has passed; returns calls
/// per CPU-second.
func rate(_ body: () -> Void) -> Double {
    let batch = 100
    let start = threadCPUSeconds()
    var calls = 0
    repeat {
        for _ in 0..<batch { body() }
        calls += batch
    } while threadCPUSeconds() - start < secondsPerCase
    return Double(calls) / (threadCPUSeconds() - start)
}

func report(_ name: String, bytes: Int, _ body: () -> Void) {
    guard only.isEmpty || name.contains(only) else { return }
    let perSecond = rate(body)
    let millions = (perSecond / 1e3).rounded() / 1e3
    let gbits = (perSecond * Double(bytes) * 8 / 1e7).rounded() / 100
    let throughput = bytes > 0 ? "   \(gbits) Gb/s" : ""
    let calls = perSecond >= 100_000 ? "\(millions) M/s" : "\(Int(perSecond)) /s"
    print(name + String(repeating: " ", count: max(1, 46 - name.count)) + calls + " per core" + throughput)
}

let key = Bytes32(Array(repeating: 0x42, count: 32))!
let sender = ChaCha20Poly1305Context(key: key)
let receiver = ChaCha20Poly1305Context(key: key)
let buffer = UnsafeMutableRawPointer.allocate(byteCount: packetSize + 16, alignment: 16)
let pristine = UnsafeMutableRawPointer.allocate(byteCount: packetSize + 16, alignment: 16)
defer { buffer.deallocate(); pristine.deallocate() }
buffer.initializeMemory(as: UInt8.self, repeating: 0xA5, count: packetSize + 16)

var counter: UInt64 = 0
report("in-place seal \(packetSize) B (reused EVP ctx)", bytes: packetSize) {
    sender.seal(counter: counter, buffer: buffer, length: packetSize)
    counter &+= 1
}

sender.seal(counter: 7, buffer: buffer, length: packetSize)
pristine.copyMemory(from: buffer, byteCount: packetSize + 16)
var failures = 0
report("in-place open \(packetSize) B (incl. 1436 B copy)", bytes: packetSize) {
    buffer.copyMemory(from: pristine, byteCount: packetSize + 16)
    if !receiver.open(counter: 7, buffer: buffer, sealedLength: packetSize + 16) { failures += 1 }
}
precondition(failures == 0, "open failed during the benchmark")

let plaintext = [UInt8](repeating: 1, count: packetSize)
report("allocating seal \(packetSize) B (new ctx + array)", bytes: packetSize) {
    _ = ChaCha20Poly1305.seal(key: key, counter: 1, plaintext: plaintext, authenticating: [UInt8]())
}

let message = [UInt8](repeating: 3, count: 116)
var sink = Bytes16()
report("mac1: keyed BLAKE2s-128 over 116 B", bytes: 116) {
    sink = WireGuardKDF.mac(key: key, message)
}
precondition(!sink.isZero || !"mac1".contains(only), "mac1 result unused")
report("BLAKE2s-256 over \(packetSize) B", bytes: packetSize) {
    var hasher = BLAKE2s()
    hasher.update(plaintext)
    _ = hasher.finalizeBytes32()
}

// A whole handshake: initiation, mac1 check, open + respond, consume the response.
// Four X25519 agreements on each side dominate.
var keyRandom = SystemRandomNumberGenerator()
let initiatorIdentity = StaticIdentity(privateKey: X25519.generatePrivateKey())
let responderIdentity = StaticIdentity(privateKey: X25519.generatePrivateKey())
let checker = CookieChecker(localStatic: responderIdentity.publicKey)
var initiatorPeer = PeerHandshake(local: initiatorIdentity, remoteStatic: responderIdentity.publicKey)
var responderPeer = PeerHandshake(local: responderIdentity, remoteStatic: initiatorIdentity.publicKey)
var clock = MonotonicTime(nanoseconds: 1_000_000_000_000)
var seconds: Int64 = 1_700_000_000
var completed = 0
report("handshake, both sides (no cookie)", bytes: 0) {
    clock = clock + .milliseconds(25)   // past the responder's flood limit
    seconds += 1
    guard case .success(let initiation) = initiatorPeer.createInitiation(
        localIndex: 1, ephemeral: X25519.generatePrivateKey(using: &keyRandom),
        timestamp: TAI64N(unixSeconds: seconds, nanoseconds: 0), now: clock),
        checker.verify(initiation.serialized(), source: [UInt8](), underLoad: false, now: clock) == .accept,
        case .success(let received) = responderIdentity.openInitiation(initiation),
        case .success(let answer) = responderPeer.respond(
            to: received, localIndex: 2, ephemeral: X25519.generatePrivateKey(using: &keyRandom), now: clock),
        case .success = initiatorPeer.consumeResponse(answer.response)
    else { return }
    completed += 1
}
precondition(completed > 0 || !"handshake".contains(only), "no handshake completed")
