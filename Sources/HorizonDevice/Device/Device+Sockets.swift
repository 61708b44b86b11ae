#if canImport(Glibc)
import Glibc
#endif
import HorizonUDP
import Synchronization

/// The listen port's sockets and the receive threads reading them. Rebinding makes a new
/// binding and retires the old one: its threads notice within their receive timeout and
/// exit, and its sockets close when the last thread using them lets go.
final class SocketBinding: Sendable {
    let udp: DualStackUDP
    private let retiredFlag = Atomic<Bool>(false)

    init(udp: DualStackUDP) { self.udp = udp }

    var isRetired: Bool { retiredFlag.load(ordering: .relaxed) }
    func retire() { retiredFlag.store(true, ordering: .relaxed) }
}

extension Device {
    /// The sockets to send with now (nil only while closing).
    var sockets: DualStackUDP? { binding.withLock { $0?.udp } }

    var listenPort: UInt16 { binding.withLock { $0?.udp.port } ?? 0 }

    /// Binds `port` (0: any free one) on both families, marked with `mark`, and moves
    /// receiving to it.
    func bind(port: UInt16, mark: UInt32?) throws(UDPError) {
        let udp = try DualStackUDP(port: port)
        let fresh = SocketBinding(udp: udp)
        Self.setMark(mark, on: udp)
        let old = binding.withLock { current in
            defer { current = fresh }
            return current
        }
        old?.retire()
        for socket in [udp.ipv4, udp.ipv6].compactMap({ $0 }) {
            let loop = ReceiveLoop(device: self, binding: fresh, socket: socket)
            startThread(name: "hz-rx\(socket.family == .ipv4 ? "4" : "6") \(tun.name)") { loop.run() }
        }
    }

    /// SO_MARK on both sockets (0 clears it), so policy routing can keep tunnel traffic
    /// out of the tunnel.
    static func setMark(_ mark: UInt32?, on udp: DualStackUDP) {
        var value = mark ?? 0
        for socket in [udp.ipv4, udp.ipv6].compactMap({ $0 }) {
            _ = setsockopt(socket.fd, SOL_SOCKET, SO_MARK, &value, socklen_t(MemoryLayout<UInt32>.size))
        }
    }
}
