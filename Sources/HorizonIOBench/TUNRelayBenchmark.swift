import Foundation
import HorizonNetnsKit
import HorizonTUN

/// TCP from one namespace to another through two TUNs and a `TUNRelay` per direction:
/// the TUN half of a WireGuard data path without crypto. Offloads on means TSO
/// superpackets are read and split, and runs are coalesced into TSO writes.
enum TUNRelayBenchmark {
    static func run(offloads: Bool, seconds: Double) throws -> Measurement {
        let a = try NetworkNamespace(prefix: "hzio")
        let b = try NetworkNamespace(prefix: "hzio")
        defer { a.remove(); b.remove() }
        let tunA = try a.run { try TUNDevice(name: "hzioa%d", offloads: offloads) }
        let tunB = try b.run { try TUNDevice(name: "hziob%d", offloads: offloads) }
        defer { tunA.close(); tunB.close() }
        try a.ip("addr", "add", "10.203.0.1", "peer", "10.203.0.2", "dev", tunA.name)
        try b.ip("addr", "add", "10.203.0.2", "peer", "10.203.0.1", "dev", tunB.name)
        try a.ip("link", "set", tunA.name, "mtu", "1420", "up")
        try b.ip("link", "set", tunB.name, "mtu", "1420", "up")

        let forward = TUNRelay(from: tunA, to: tunB)
        let backward = TUNRelay(from: tunB, to: tunA)
        forward.start()
        backward.start()
        let listener = try b.run { () throws -> Int32 in
            let fd = try BlockingTCP.socket()
            try BlockingTCP.listen(fd, ip: "10.203.0.2", port: 5201)
            return fd
        }
        let client = try a.run { try BlockingTCP.socket() }
        defer { close(listener); close(client) }

        let sink = Sink()
        let done = DispatchSemaphore(value: 0)
        Thread {
            defer { done.signal() }
            guard let connection = try? BlockingTCP.accept(listener) else { return }
            defer { close(connection) }
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 64)
            defer { buffer.deallocate() }
            while true {
                let n = recv(connection, buffer.baseAddress, buffer.count, 0)
                if n <= 0 { break }
                sink.bytes += n
            }
        }.start()

        try BlockingTCP.connect(client, ip: "10.203.0.2", port: 5201)
        let chunk = [UInt8](repeating: 0x5A, count: 1 << 20)
        let cpu = CPUTime.now()
        let start = Date()
        while Date().timeIntervalSince(start) < seconds {
            try chunk.withUnsafeBytes { try BlockingTCP.sendAll(client, $0) }
        }
        shutdown(client, Int32(SHUT_WR))
        done.wait()
        let elapsed = Date().timeIntervalSince(start)
        let cpuSeconds = CPUTime.now() - cpu
        let counters = forward.stop()
        _ = backward.stop()
        return Measurement(
            label: offloads ? "TUN relay, TSO split + coalesce" : "TUN relay, no offloads",
            seconds: elapsed, bytes: sink.bytes, packets: counters.packets,
            syscalls: counters.reads + counters.writes, cpuSeconds: cpuSeconds,
            note: "reads \(counters.reads), TSO reads \(counters.superpacketsRead), writes \(counters.writes)")
    }
}

/// Written by the receiving thread only, read after it finished.
final class Sink: @unchecked Sendable {
    var bytes = 0
}
