#if canImport(Glibc)
import Glibc
#endif
import HorizonCore

/// A peer's UDP address: IP and port. Plain value, no allocation, so it can travel with
/// every datagram.
public struct UDPAddress: Hashable, Sendable, CustomStringConvertible {
    public var ip: IPAddress
    public var port: UInt16

    public init(ip: IPAddress, port: UInt16) {
        self.ip = ip
        self.port = port
    }

    public var description: String { Endpoint(address: ip, port: port).description }

    /// Reads a sockaddr_in / sockaddr_in6; nil for other families.
    init?(sockaddr storage: UnsafeRawPointer) {
        switch Int32(storage.load(as: sockaddr.self).sa_family) {
        case AF_INET:
            let sin = storage.load(as: sockaddr_in.self)
            ip = .v4(IPv4Address(UInt32(bigEndian: sin.sin_addr.s_addr)))
            port = UInt16(bigEndian: sin.sin_port)
        case AF_INET6:
            let sin6 = storage.load(as: sockaddr_in6.self)
            ip = .v6(withUnsafeBytes(of: sin6.sin6_addr) { raw in
                IPv6Address(high: UInt64(bigEndian: raw.loadUnaligned(as: UInt64.self)),
                            low: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
            })
            port = UInt16(bigEndian: sin6.sin6_port)
        default:
            return nil
        }
    }

    /// Writes the matching sockaddr into `storage` (room for a sockaddr_storage) and
    /// returns its length.
    func write(sockaddr storage: UnsafeMutableRawPointer) -> socklen_t {
        switch ip {
        case .v4(let v4):
            var sin = sockaddr_in()
            sin.sin_family = sa_family_t(AF_INET)
            sin.sin_port = port.bigEndian
            sin.sin_addr.s_addr = v4.value.bigEndian
            storage.storeBytes(of: sin, as: sockaddr_in.self)
            return socklen_t(MemoryLayout<sockaddr_in>.size)
        case .v6(let v6):
            var sin6 = sockaddr_in6()
            sin6.sin6_family = sa_family_t(AF_INET6)
            sin6.sin6_port = port.bigEndian
            withUnsafeMutableBytes(of: &sin6.sin6_addr) { raw in
                raw.storeBytes(of: v6.high.bigEndian, as: UInt64.self)
                raw.storeBytes(of: v6.low.bigEndian, toByteOffset: 8, as: UInt64.self)
            }
            storage.storeBytes(of: sin6, as: sockaddr_in6.self)
            return socklen_t(MemoryLayout<sockaddr_in6>.size)
        }
    }
}
