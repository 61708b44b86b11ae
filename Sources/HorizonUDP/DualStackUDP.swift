#if canImport(Glibc)
import Glibc
#endif
import HorizonCore

/// The WireGuard listen port on both families: an AF_INET socket and an IPV6_V6ONLY
/// AF_INET6 socket bound to the same port.
///
/// Two sockets rather than one dual-stack socket because: hosts with IPv6 disabled still
/// get IPv4 (the IPv6 socket is optional), pktinfo and cmsgs stay per-family instead of
/// IPv4-mapped IPv6, and each family can have its own receive thread. wireguard-go's
/// Linux bind makes the same choice.
public final class DualStackUDP: @unchecked Sendable {
    public let ipv4: UDPSocket
    public let ipv6: UDPSocket?
    public var port: UInt16 { ipv4.port }

    /// `port` 0 picks a port free on both families (retrying if the IPv6 side is taken).
    public init(port: UInt16 = 0, bufferBytes: Int = UDPSocket.defaultBufferBytes) throws(UDPError) {
        var attempts = port == 0 ? 10 : 1
        while true {
            let v4 = try UDPSocket(family: .ipv4, port: port, bufferBytes: bufferBytes)
            do {
                ipv6 = try UDPSocket(family: .ipv6, port: v4.port, bufferBytes: bufferBytes)
                ipv4 = v4
                return
            } catch let error where error.errno == EADDRINUSE && attempts > 1 {
                attempts -= 1
            } catch let error where error.errno == EAFNOSUPPORT || error.errno == EADDRNOTAVAIL {
                ipv6 = nil
                ipv4 = v4
                return
            }
        }
    }

    /// Sends each datagram through the socket of its destination's family.
    public func send(_ batch: UDPSendBatch) -> UDPSendResult {
        let viaIPv4 = ipv4.send(batch)
        guard let ipv6 else { return viaIPv4 }
        return viaIPv4 + ipv6.send(batch)
    }

    public func close() {
        ipv4.close()
        ipv6?.close()
    }
}
