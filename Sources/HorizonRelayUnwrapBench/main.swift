// What the receive loop's ChannelData unwrapping pass costs on datagrams that are NOT
// ChannelData (plain WireGuard, the usual case), next to the AEAD open every such datagram
// then gets. Not a test: timing never decides pass/fail.
// Run in release: swift run -c release --scratch-path .build-dp-rel HorizonRelayUnwrapBench [seconds]
#if canImport(Glibc)
import Glibc
#endif
import HorizonCore
import HorizonCrypto
import HorizonDevice
import HorizonUDP

let secondsPerCase = CommandLine.arguments.count > 1 ? Double(CommandLine.arguments[1]) ?? 2 : 2
let datagrams = 64
/// A full-MTU WireGuard transport message: 16-byte header, 1420 bytes of payload, 16-byte tag.
let payload = 1420
let messageSize = 16 + payload + 16

/// CPU time of this thread, so the numbers hold while neighbours build.
func threadCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Nanoseconds of CPU per call of `body`, over `secondsPerCase`.
func nanoseconds(_ body: () -> Void) -> Double {
    let start = threadCPUSeconds()
    var calls = 0
    repeat {
        for _ in 0..<100 { body() }
        calls += 100
    } while threadCPUSeconds() - start < secondsPerCase
    return (threadCPUSeconds() - start) * 1e9 / Double(calls)
}

/// One received batch of `datagrams` WireGuard transport messages, through a loopback
/// socket so it is laid out as the receive loop sees it (GRO-split when the kernel merges).
func receivedBatch() throws -> UDPReceiveBatch {
    let loopback = IPAddress.v4(IPv4Address(127, 0, 0, 1))
    let receiver = try UDPSocket(family: .ipv4, address: loopback, bufferBytes: 8 << 20)
    let sender = try UDPSocket(family: .ipv4, address: loopback, bufferBytes: 8 << 20)
    defer { receiver.close(); sender.close() }
    var message = [UInt8](repeating: 0xA5, count: messageSize)
    message[0...3] = [4, 0, 0, 0]
    let out = UDPSendBatch(capacity: datagrams)
    let destination = UDPAddress(ip: loopback, port: receiver.port)
    message.withUnsafeBytes { bytes in
        for _ in 0..<datagrams { out.append(bytes, to: destination) }
        precondition(sender.send(out).sent == datagrams, "loopback refused the batch")
    }
    let batch = UDPReceiveBatch(messageSlots: datagrams, bufferSize: 65_536)
    receiver.setReceiveTimeout(milliseconds: 2000)
    precondition(receiver.receive(into: batch) == datagrams, "the batch did not arrive whole")
    return batch
}

let batch = try receivedBatch()
let channels = UnsafeMutablePointer<UInt16>.allocate(capacity: datagrams)
defer { channels.deallocate() }
let unwrap = nanoseconds { RelayChannelFraming.unwrapRelayed(batch, count: datagrams, channels: channels) } / Double(datagrams)
precondition((0..<datagrams).allSatisfy { channels[$0] == 0 && batch.datagram($0).bytes.count == messageSize }, "a datagram was unwrapped")

// The least a datagram then costs: opening its payload (ChaCha20-Poly1305, in place).
let context = ChaCha20Poly1305Context(key: Bytes32(Array(repeating: 0x42, count: 32))!)
let buffer = UnsafeMutableRawPointer.allocate(byteCount: payload + 16, alignment: 16)
let pristine = UnsafeMutableRawPointer.allocate(byteCount: payload + 16, alignment: 16)
defer { buffer.deallocate(); pristine.deallocate() }
buffer.initializeMemory(as: UInt8.self, repeating: 1, count: payload + 16)
context.seal(counter: 7, buffer: buffer, length: payload)
pristine.copyMemory(from: buffer, byteCount: payload + 16)
var opened = 0
let open = nanoseconds {
    buffer.copyMemory(from: pristine, byteCount: payload + 16)
    if context.open(counter: 7, buffer: buffer, sealedLength: payload + 16) { opened += 1 }
}
precondition(opened > 0, "open failed")

/// Two decimals, without Foundation's formatting.
func hundredths(_ value: Double) -> String { "\((value * 100).rounded() / 100)" }

func row(_ name: String, _ value: Double) {
    let padding = String(repeating: " ", count: max(1, 60 - name.count))
    print(name + padding + hundredths(value) + " ns/datagram")
}
row("unwrap pass, \(datagrams) WireGuard datagrams (not ChannelData)", unwrap)
row("open \(payload) B payload (ChaCha20-Poly1305, incl. copy)", open)
print("unwrap / open: " + hundredths(unwrap / open * 100) + " %")
