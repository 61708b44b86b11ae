#if canImport(Glibc)
import Glibc
#endif
import CHorizonLinux
import HorizonCore

/// One UDP socket of one address family, set up for a WireGuard data plane: large
/// buffers, UDP GRO on receive, UDP GSO on send when the kernel has them, and pktinfo so
/// each datagram reports its local address and replies can leave from it.
///
/// IPv6 sockets are IPV6_V6ONLY; `DualStackUDP` pairs one of each on the same port.
/// Receive and send may run on different threads at once; each thread uses its own batch.
/// `close()` only once no other thread is using the socket.
public final class UDPSocket: @unchecked Sendable {
    public enum Family: Sendable { case ipv4, ipv6 }

    public let family: Family
    public private(set) var fd: Int32
    public let port: UInt16
    /// The kernel coalesces received datagrams (UDP_GRO accepted).
    public let receivesCoalesced: Bool
    /// Sends may use UDP_SEGMENT. Turned off for good if the kernel rejects a GSO send with
    /// EIO; callers may turn it off too (to compare, or to work around a broken path).
    public var sendsSegmented: Bool

    /// Bytes asked for each of SO_RCVBUF and SO_SNDBUF.
    public static let defaultBufferBytes = 7 << 20

    /// Binds `address` (default: any) and `port` (0: the kernel picks).
    public init(family: Family, port: UInt16 = 0, address: IPAddress? = nil,
                bufferBytes: Int = UDPSocket.defaultBufferBytes) throws(UDPError) {
        let domain = family == .ipv4 ? AF_INET : AF_INET6
        let fd = socket(domain, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), Int32(IPPROTO_UDP))
        guard fd >= 0 else { throw UDPError("cannot create a UDP socket", errno: errno) }
        self.fd = fd
        self.family = family
        do throws(UDPError) {
            if family == .ipv6 { try Self.setOption(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, 1, "IPV6_V6ONLY") }
            Self.setBuffer(fd, SO_RCVBUF, force: SO_RCVBUFFORCE, bytes: bufferBytes)
            Self.setBuffer(fd, SO_SNDBUF, force: SO_SNDBUFFORCE, bytes: bufferBytes)
            let pktinfo = hz_udp_enable_pktinfo(fd, family == .ipv6 ? 1 : 0)
            guard pktinfo == 0 else { throw UDPError("cannot enable pktinfo", errno: -pktinfo) }
            receivesCoalesced = (try? Self.setOption(fd, Int32(HZ_SOL_UDP), Int32(HZ_UDP_GRO), 1, "UDP_GRO")) != nil
            // Setting a zero segment size is a no-op that tells whether UDP_SEGMENT exists.
            sendsSegmented = (try? Self.setOption(fd, Int32(HZ_SOL_UDP), Int32(HZ_UDP_SEGMENT), 0, "UDP_SEGMENT")) != nil
            self.port = try Self.bind(fd, family: family, address: address, port: port)
        } catch {
            Glibc.close(fd)
            throw error
        }
    }

    deinit { close() }

    public func close() {
        guard fd >= 0 else { return }
        Glibc.close(fd)
        fd = -1
    }

    /// Makes `receive` return -EAGAIN after this long without traffic (0: block forever),
    /// so receive loops can notice a stop request.
    public func setReceiveTimeout(milliseconds: Int) {
        var tv = timeval(tv_sec: milliseconds / 1000, tv_usec: (milliseconds % 1000) * 1000)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    func matches(_ ip: IPAddress) -> Bool { ip.isIPv4 == (family == .ipv4) }

    private static func setOption(_ fd: Int32, _ level: Int32, _ name: Int32, _ value: Int32, _ label: String) throws(UDPError) {
        var v = value
        guard setsockopt(fd, level, name, &v, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            throw UDPError("cannot set \(label)", errno: errno)
        }
    }

    /// Root may exceed net.core.[rw]mem_max with the *FORCE variant; others get what the cap allows.
    private static func setBuffer(_ fd: Int32, _ option: Int32, force: Int32, bytes: Int) {
        var v = Int32(clamping: bytes)
        let size = socklen_t(MemoryLayout<Int32>.size)
        if setsockopt(fd, SOL_SOCKET, force, &v, size) != 0 { _ = setsockopt(fd, SOL_SOCKET, option, &v, size) }
    }

    private static func bind(_ fd: Int32, family: Family, address: IPAddress?, port: UInt16) throws(UDPError) -> UInt16 {
        let any: IPAddress = family == .ipv4 ? .v4(IPv4Address(0)) : .v6(IPv6Address(high: 0, low: 0))
        let local = UDPAddress(ip: address ?? any, port: port)
        var storage = sockaddr_storage()
        let rc = withUnsafeMutableBytes(of: &storage) { raw in
            let length = local.write(sockaddr: raw.baseAddress!)
            return Glibc.bind(fd, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), length)
        }
        guard rc == 0 else { throw UDPError("cannot bind UDP \(local)", errno: errno) }
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let bound: UDPAddress? = withUnsafeMutableBytes(of: &storage) { raw in
            guard getsockname(fd, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), &length) == 0 else { return nil }
            return UDPAddress(sockaddr: raw.baseAddress!)
        }
        guard let bound else { throw UDPError("cannot read the bound UDP port", errno: errno) }
        return bound.port
    }
}
