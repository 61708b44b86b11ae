import CLibFuzzer
import Glibc
import HorizonTUN

/// Input: a virtio-net header (10 bytes) and a packet, as read from a TUN, followed by
/// more packets as a peer might send them (each behind a 2-byte big-endian length).
/// The superpacket is split; split packets and peer packets go through the coalescer.
/// Nothing may crash, and every TSO write the coalescer makes must split back into the
/// payload bytes it was built from. libFuzzer calls in one thread, so the buffers are shared.
nonisolated(unsafe) let batch = PacketBatch(slots: 128, capacity: 2048)
nonisolated(unsafe) let resplit = PacketBatch(slots: 128, capacity: 2048)
nonisolated(unsafe) let coalescer = PacketCoalescer(capacity: 256, mode: .coalescingTCP)
nonisolated(unsafe) let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 17, alignment: 16)
nonisolated(unsafe) let flattened = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 17, alignment: 16)

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzTUNOffload(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > VirtioNetHeader.size, size <= scratch.count else { return 0 }
    scratch.copyMemory(from: UnsafeRawBufferPointer(start: data, count: size))
    let base = scratch.baseAddress!
    let header = VirtioNetHeader(from: base)
    let firstLength = min(size - VirtioNetHeader.size, Int(header.headerLength) + 1500)
    batch.count = 0
    _ = GSOSplitter.split(UnsafeMutableRawBufferPointer(start: base + VirtioNetHeader.size, count: firstLength),
                          header: header, into: batch)
    for i in 0..<batch.count {
        precondition(batch.length(i) > 0 && batch.length(i) <= batch.capacity)
        coalescer.add(batch.packet(i))
    }
    var offset = VirtioNetHeader.size + firstLength
    while offset + 2 <= size {
        let length = Int(base.load(fromByteOffset: offset, as: UInt8.self)) << 8
            | Int(base.load(fromByteOffset: offset + 1, as: UInt8.self))
        offset += 2
        guard length <= size - offset else { break }
        coalescer.add(UnsafeMutableRawBufferPointer(start: base + offset, count: length))
        offset += length
    }
    coalescer.flush { pieces in checkWrite(pieces) }
    return 0
}

/// A TSO write must split back into its own payload bytes.
func checkWrite(_ pieces: UnsafeBufferPointer<iovec>) {
    var total = 0
    for piece in pieces {
        (flattened.baseAddress! + total).copyMemory(from: piece.iov_base, byteCount: piece.iov_len)
        total += piece.iov_len
    }
    let header = VirtioNetHeader(from: flattened.baseAddress!)
    guard header.gsoType != VirtioNetHeader.gsoNone else {
        precondition(pieces.count == 2 && header == VirtioNetHeader(), "a lone packet goes out as it came")
        return
    }
    resplit.count = 0
    let packet = UnsafeMutableRawBufferPointer(start: flattened.baseAddress! + VirtioNetHeader.size,
                                               count: total - VirtioNetHeader.size)
    let outcome = GSOSplitter.split(packet, header: header, into: resplit)
    precondition(outcome == .split(pieces.count - 1), "a superpacket splits into the packets it merged")
    let headers = Int(header.headerLength)
    var payloadOffset = VirtioNetHeader.size + headers
    for i in 0..<resplit.count {
        let segment = resplit.packet(i)
        let payload = segment.count - headers
        precondition(memcmp(segment.baseAddress! + headers, flattened.baseAddress! + payloadOffset, payload) == 0,
                     "payload bytes survive the round trip")
        payloadOffset += payload
    }
    precondition(payloadOffset == total, "every payload byte accounted for")
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzTUNOffload))
