#if canImport(Glibc)
import Glibc
#endif
import CHorizonLinux

/// Datagrams queued for one `UDPSocket.send`, plus the preallocated message arrays the
/// send builds in.
///
/// Zero copy: the batch records where each datagram's bytes are; the caller's memory must
/// stay valid and unchanged until `send` returns. One thread per batch.
public final class UDPSendBatch {
    /// UDP_SEGMENT accepts at most 64 segments per send on every kernel that has it.
    public static let maxSegmentsPerMessage = 64
    /// Payload bytes in one GSO send (an IPv4 UDP datagram carries at most 65507).
    public static let maxBytesPerMessage = 65_000

    public let capacity: Int
    public private(set) var count = 0

    struct Datagram {
        var bytes: UnsafeRawBufferPointer
        var destination: UDPAddress
        var source: LocalAddress?
    }

    /// Which datagrams a built message carries.
    struct Span {
        var first: Int
        var count: Int
    }

    let datagrams: UnsafeMutablePointer<Datagram>
    let messages: UnsafeMutablePointer<hz_mmsg>
    let spans: UnsafeMutablePointer<Span>
    let vectors: UnsafeMutablePointer<iovec>
    let names: UnsafeMutablePointer<sockaddr_storage>
    let controls: UnsafeMutableRawPointer

    public init(capacity: Int = 128) {
        precondition(capacity > 0)
        self.capacity = capacity
        datagrams = .allocate(capacity: capacity)
        messages = .allocate(capacity: capacity)
        spans = .allocate(capacity: capacity)
        vectors = .allocate(capacity: capacity)
        names = .allocate(capacity: capacity)
        controls = .allocate(byteCount: capacity * Int(HZ_UDP_CONTROL_SIZE), alignment: 16)
    }

    deinit {
        datagrams.deinitialize(count: count).deallocate()
        messages.deallocate()
        spans.deallocate()
        vectors.deallocate()
        names.deallocate()
        controls.deallocate()
    }

    /// Queues `bytes` for `destination`, sent from `source` when given. False when full.
    @discardableResult
    public func append(_ bytes: UnsafeRawBufferPointer, to destination: UDPAddress, from source: LocalAddress? = nil) -> Bool {
        guard count < capacity else { return false }
        let usable = source.flatMap { $0.ip.isIPv4 == destination.ip.isIPv4 ? $0 : nil }
        (datagrams + count).initialize(to: Datagram(bytes: bytes, destination: destination, source: usable))
        count += 1
        return true
    }

    public func removeAll() {
        datagrams.deinitialize(count: count)
        count = 0
    }

    /// Builds sendmmsg messages for the datagrams from `start` on that `socket`'s family
    /// carries. With `segmenting`, runs to the same destination and source with equal
    /// sizes (the last may be shorter) become one UDP_SEGMENT message.
    /// Returns the number of messages built.
    func buildMessages(from start: Int, for socket: UDPSocket, segmenting: Bool) -> Int {
        var built = 0
        var vectorsUsed = 0
        var i = start
        while i < count {
            let head = datagrams[i]
            guard socket.matches(head.destination.ip) else { i += 1; continue }
            let size = head.bytes.count
            var run = 1
            var bytes = size
            if segmenting, size > 0 {
                while i + run < count, run < Self.maxSegmentsPerMessage {
                    let next = datagrams[i + run]
                    guard next.destination == head.destination, next.source == head.source,
                          next.bytes.count <= size, next.bytes.count > 0,
                          bytes + next.bytes.count <= Self.maxBytesPerMessage else { break }
                    run += 1
                    bytes += next.bytes.count
                    if next.bytes.count < size { break }
                }
            }
            fill(message: built, first: i, count: run, segmentSize: run > 1 ? size : 0, vectorStart: vectorsUsed)
            built += 1
            vectorsUsed += run
            i += run
        }
        return built
    }

    private func fill(message m: Int, first: Int, count run: Int, segmentSize: Int, vectorStart: Int) {
        for k in 0..<run {
            let d = datagrams[first + k]
            vectors[vectorStart + k] = iovec(iov_base: UnsafeMutableRawPointer(mutating: d.bytes.baseAddress), iov_len: d.bytes.count)
        }
        let head = datagrams[first]
        let control = controls + m * Int(HZ_UDP_CONTROL_SIZE)
        var source = head.source?.raw ?? hz_local_address()
        let controlLength = hz_udp_control_build(control, Int(HZ_UDP_CONTROL_SIZE), UInt16(segmentSize), &source)
        var header = msghdr()
        header.msg_name = UnsafeMutableRawPointer(names + m)
        header.msg_namelen = head.destination.write(sockaddr: names + m)
        header.msg_iov = vectors + vectorStart
        header.msg_iovlen = run
        header.msg_control = controlLength > 0 ? control : nil
        header.msg_controllen = controlLength
        messages[m] = hz_mmsg(hdr: header, len: 0)
        spans[m] = Span(first: first, count: run)
    }
}
