import Foundation
import HorizonNetnsKit
import Testing
@testable import HorizonTUN

/// Packets between a real kernel and a TUN inside a test namespace, both directions.
@Suite(.enabled(if: NetworkNamespace.isAvailable, "needs root and /dev/net/tun"))
struct TUNKernelExchangeTests {
    /// A namespace holding an up TUN with 10.201.0.1/24.
    static func tunnel() throws -> (NetworkNamespace, TUNDevice) {
        let ns = try NetworkNamespace(prefix: "hzio")
        let tun = try ns.run { try TUNDevice(name: "hzio%d") }
        try ns.ip("addr", "add", "10.201.0.1/24", "dev", tun.name)
        try ns.ip("link", "set", tun.name, "mtu", "1420", "up")
        return (ns, tun)
    }

    static func udpSocket(bindPort: UInt16) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        var tv = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var sin = sockaddr_in()
        sin.sin_family = sa_family_t(AF_INET)
        sin.sin_port = bindPort.bigEndian
        _ = withUnsafePointer(to: &sin) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return fd
    }

    @Test func datagramFromTheKernelIsReadWithAValidChecksum() throws {
        let (ns, tun) = try Self.tunnel()
        defer { tun.close(); ns.remove() }
        let payload = pattern(1000, seed: 5)
        let fd = try ns.run { Self.udpSocket(bindPort: 0) }
        defer { close(fd) }
        var peer = sockaddr_in()
        peer.sin_family = sa_family_t(AF_INET)
        peer.sin_port = UInt16(9999).bigEndian
        inet_pton(AF_INET, "10.201.0.2", &peer.sin_addr)
        let sent = payload.withUnsafeBytes { raw in
            withUnsafePointer(to: &peer) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, raw.baseAddress, raw.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        #expect(sent == payload.count)

        let batch = PacketBatch(slots: 64, capacity: 2048)
        let reader = TUNBatchReader()
        var found: [UInt8]?
        let deadline = Date().addingTimeInterval(3)
        while found == nil, Date() < deadline {
            batch.count = 0
            guard reader.readBatch(from: tun, into: batch) > 0 else {
                _ = tun.waitReadable(timeoutMilliseconds: 100)
                continue
            }
            found = packets(of: batch).first { $0[0] == 0x45 && $0[9] == 17 && $0.be16(at: 22) == 9999 }
        }
        let packet = try #require(found, "the datagram reached the TUN")
        #expect(Array(packet[12..<20]) == [10, 201, 0, 1, 10, 201, 0, 2])
        #expect(Array(packet[28...]) == payload)
        #expect(ReferenceChecksum.packetIsValid(packet), "checksum completed by the splitter")
    }

    @Test(arguments: [PacketCoalescer.Mode.coalescingTCP, .virtioHeader])
    func craftedDatagramWrittenToTheTUNReachesASocket(mode: PacketCoalescer.Mode) throws {
        let (ns, tun) = try Self.tunnel()
        defer { tun.close(); ns.remove() }
        let fd = try ns.run { Self.udpSocket(bindPort: 7777) }
        defer { close(fd) }
        let payload = pattern(1200, seed: 8)
        let harness = CoalescerHarness(mode: mode)
        harness.add(IPPacket.udp(ipv6: false, sourcePort: 5555, destinationPort: 7777, payload: payload,
                                 source: [10, 201, 0, 2], destination: [10, 201, 0, 1]))
        #expect(tun.write(harness.coalescer) == TUNWriteResult(writes: 1))

        var buffer = [UInt8](repeating: 0, count: 2048)
        var from = sockaddr_in()
        var fromLength = socklen_t(MemoryLayout<sockaddr_in>.size)
        let n = withUnsafeMutablePointer(to: &from) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(fd, &buffer, buffer.count, 0, $0, &fromLength) }
        }
        try #require(n == payload.count, "the kernel delivered it")
        #expect(Array(buffer[0..<n]) == payload)
        #expect(UInt16(bigEndian: from.sin_port) == 5555)
    }
}
