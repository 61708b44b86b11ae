import Foundation
import HorizonCore
import HorizonUDP

/// 1420-byte-class datagrams over loopback, receiver on recvmmsg + UDP_GRO, sender in one
/// of three ways: sendto per datagram, sendmmsg batches, sendmmsg batches with UDP GSO.
enum UDPSendBenchmark {
    enum Style: CaseIterable {
        case sendto, sendmmsg, sendmmsgGSO

        var label: String {
            switch self {
            case .sendto: "UDP sendto per datagram"
            case .sendmmsg: "UDP sendmmsg x64, no GSO"
            case .sendmmsgGSO: "UDP sendmmsg x64 + GSO"
            }
        }
    }

    static let datagramSize = 1452          // a WireGuard packet for a 1420 inner MTU plus overhead
    static let batchSize = 64

    static func run(_ style: Style, seconds: Double) throws -> Measurement {
        let loopback = IPAddress.v4(IPv4Address(127, 0, 0, 1))
        let receiver = try UDPSocket(family: .ipv4, address: loopback)
        let sender = try UDPSocket(family: .ipv4, address: loopback)
        defer { receiver.close(); sender.close() }
        sender.sendsSegmented = style == .sendmmsgGSO
        receiver.setReceiveTimeout(milliseconds: 200)
        let destination = UDPAddress(ip: loopback, port: receiver.port)

        let sink = Sink()
        let done = DispatchSemaphore(value: 0)
        Thread {
            defer { done.signal() }
            let batch = UDPReceiveBatch()
            while receiver.receive(into: batch) > 0 {
                for i in 0..<batch.count { sink.bytes += batch.datagram(i).bytes.count }
            }
        }.start()

        let payload = UnsafeMutableRawBufferPointer.allocate(byteCount: datagramSize * batchSize, alignment: 64)
        payload.initializeMemory(as: UInt8.self, repeating: 0xA5)
        defer { payload.deallocate() }
        let batch = UDPSendBatch(capacity: batchSize)
        for i in 0..<batchSize {
            batch.append(UnsafeRawBufferPointer(rebasing: payload[(i * datagramSize)..<((i + 1) * datagramSize)]), to: destination)
        }
        var sockaddrStorage = sockaddr_in()
        sockaddrStorage.sin_family = sa_family_t(AF_INET)
        sockaddrStorage.sin_port = receiver.port.bigEndian
        sockaddrStorage.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian

        var sent = 0, syscalls = 0
        let cpu = CPUTime.now()
        let start = Date()
        while Date().timeIntervalSince(start) < seconds {
            switch style {
            case .sendto:
                for _ in 0..<batchSize {
                    _ = withUnsafePointer(to: &sockaddrStorage) {
                        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                            sendto(sender.fd, payload.baseAddress, datagramSize, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                        }
                    }
                }
                sent += batchSize
                syscalls += batchSize
            case .sendmmsg, .sendmmsgGSO:
                let result = sender.send(batch)
                sent += result.sent
                syscalls += result.syscalls
            }
        }
        let elapsed = Date().timeIntervalSince(start)
        done.wait()
        let cpuSeconds = CPUTime.now() - cpu
        return Measurement(label: style.label, seconds: elapsed, bytes: sink.bytes, packets: sink.bytes / datagramSize,
                           syscalls: syscalls, cpuSeconds: cpuSeconds,
                           note: "sent \(sent), received \(sink.bytes / datagramSize)")
    }
}
