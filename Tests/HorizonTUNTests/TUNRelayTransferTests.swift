import Foundation
import HorizonNetnsKit
import Synchronization
import Testing
@testable import HorizonTUN

/// Real kernel TCP between two namespaces whose only link is our code: each namespace
/// has a TUN, and a relay reads superpackets from one, splits them, checks every packet,
/// coalesces and writes them to the other. If splitting or coalescing were wrong the
/// kernels would drop the packets and the transfer would stall or corrupt.
@Suite(.enabled(if: NetworkNamespace.isAvailable, "needs root and /dev/net/tun"), .serialized)
struct TUNRelayTransferTests {
    final class Inspection: Sendable {
        let packets = Atomic<Int>(0)
        let invalid = Atomic<Int>(0)
        let oversized = Atomic<Int>(0)

        func check(_ packet: UnsafeMutableRawBufferPointer) {
            let bytes = Array(packet)
            packets.add(1, ordering: .relaxed)
            if bytes.count > 1420 { oversized.add(1, ordering: .relaxed) }
            if !ReferenceChecksum.packetIsValid(bytes) { invalid.add(1, ordering: .relaxed) }
        }
    }

    @Test(arguments: [true, false])
    func tcpTransferThroughTheRelayArrivesIntact(offloads: Bool) throws {
        let a = try NetworkNamespace(prefix: "hzio")
        let b = try NetworkNamespace(prefix: "hzio")
        defer { a.remove(); b.remove() }
        let tunA = try a.run { try TUNDevice(name: "hzioa%d", offloads: offloads) }
        let tunB = try b.run { try TUNDevice(name: "hziob%d", offloads: offloads) }
        defer { tunA.close(); tunB.close() }
        try a.ip("addr", "add", "10.202.0.1", "peer", "10.202.0.2", "dev", tunA.name)
        try b.ip("addr", "add", "10.202.0.2", "peer", "10.202.0.1", "dev", tunB.name)
        try a.ip("link", "set", tunA.name, "mtu", "1420", "up")
        try b.ip("link", "set", tunB.name, "mtu", "1420", "up")

        let inspection = Inspection()
        let forward = TUNRelay(from: tunA, to: tunB) { inspection.check($0) }
        let backward = TUNRelay(from: tunB, to: tunA) { inspection.check($0) }
        forward.start()
        backward.start()

        let size = 4 << 20
        let data = pattern(size, seed: 1)
        let listener = try b.run { () throws -> Int32 in
            let fd = try BlockingTCP.socket()
            try BlockingTCP.listen(fd, ip: "10.202.0.2", port: 5201)
            return fd
        }
        let client = try a.run { try BlockingTCP.socket() }
        defer { close(listener); close(client) }

        final class Received: @unchecked Sendable { var bytes: [UInt8] = []; var error: (any Error)? }
        let received = Received()
        let serverDone = DispatchSemaphore(value: 0)
        Thread {
            defer { serverDone.signal() }
            do {
                let connection = try BlockingTCP.accept(listener)
                defer { close(connection) }
                var buffer = [UInt8](repeating: 0, count: size)
                let n = try buffer.withUnsafeMutableBytes { try BlockingTCP.receiveAll(connection, $0) }
                received.bytes = Array(buffer[0..<n])
            } catch {
                received.error = error
            }
        }.start()

        try BlockingTCP.connect(client, ip: "10.202.0.2", port: 5201)
        try data.withUnsafeBytes { try BlockingTCP.sendAll(client, $0) }
        shutdown(client, Int32(SHUT_WR))
        serverDone.wait()
        let forwardCounters = forward.stop()
        let backwardCounters = backward.stop()

        #expect(received.error == nil, "\(String(describing: received.error))")
        #expect(received.bytes.count == size)
        #expect(received.bytes == data, "payload intact")
        #expect(inspection.invalid.load(ordering: .relaxed) == 0, "every split packet checksums")
        #expect(inspection.oversized.load(ordering: .relaxed) == 0, "no packet above the 1420 MTU")
        #expect(forwardCounters.writeFailures == 0 && backwardCounters.writeFailures == 0)
        #expect(forwardCounters.dropped == 0)
        if offloads {
            #expect(forwardCounters.superpacketsRead > 0, "the kernel used TSO towards the TUN")
            #expect(forwardCounters.writes < forwardCounters.packets / 4, "runs were coalesced on write")
        } else {
            #expect(forwardCounters.superpacketsRead == 0)
            #expect(forwardCounters.writes == forwardCounters.packets)
        }
    }
}
