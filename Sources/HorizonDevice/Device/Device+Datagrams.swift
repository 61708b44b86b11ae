import HorizonCore
import HorizonUDP

/// NAT traversal shares the WireGuard port: what a STUN server reports for it is the
/// mapping WireGuard traffic uses, and a hole punched with a check is the one WireGuard
/// then goes through. The device only moves bytes; which datagrams count as NAT traversal
/// is the caller's filter (HorizonNAT's `DatagramKind`), as HorizonDevice does not import it.
extension Device {
    /// Datagrams that are not WireGuard and that `accepts` (called on a receive thread:
    /// keep it a cheap look at the first bytes) go to `handler`, one at a time, on a thread
    /// of their own. Without a handler, or when `accepts` refuses, they are counted as
    /// malformed like before. Setting another handler replaces this one.
    public func setDatagramHandler(accepting accepts: @escaping @Sendable (UnsafeRawBufferPointer) -> Bool,
                                   _ handler: @escaping @Sendable (DeviceDatagram) -> Void) {
        guard datagramTap.register(.init(accepts: accepts, handler: handler)) else { return }
        let tap = datagramTap
        startThread(name: "hz-nat \(tun.name)") { [self] in
            while !isStopping { tap.deliver(waitingUpTo: 100) }
        }
    }

    /// Stops handing datagrams over; they are counted as malformed again.
    public func removeDatagramHandler() {
        _ = datagramTap.register(nil)
    }

    /// Sends `bytes` from the device's UDP port (the socket of `destination`'s family).
    /// False when the device is closing or the kernel refused the datagram.
    @discardableResult
    public func sendDatagram(_ bytes: [UInt8], to destination: UDPAddress) -> Bool {
        guard let udp = sockets else { return false }
        return datagramTap.send(bytes, to: destination, through: udp)
    }

    /// The counters of the datagram hook and of `sendDatagram`.
    public var datagramCounters: DeviceDatagramCounters { datagramTap.counters }

    /// The UDP port the device listens on (0 while closing).
    public var udpPort: UInt16 { listenPort }
}
