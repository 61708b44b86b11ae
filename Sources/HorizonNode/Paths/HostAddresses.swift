import Foundation
import HorizonCore

/// The addresses of this host's interfaces that a peer might reach directly: up, not
/// loopback, not link-local (those need a scope a candidate cannot carry), and not on the
/// interfaces given (the overlay: a peer reached over WireGuard is no path for WireGuard).
enum HostAddresses {
    static func current(excludingInterfaces excluded: Set<String>) -> [IPAddress] {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return [] }
        defer { freeifaddrs(list) }
        var found: [IPAddress] = []
        for entry in sequence(first: first, next: { $0.pointee.ifa_next }) {
            let flags = Int32(entry.pointee.ifa_flags)
            guard flags & Int32(IFF_UP) != 0, flags & Int32(IFF_LOOPBACK) == 0,
                  let socketAddress = entry.pointee.ifa_addr,
                  !excluded.contains(String(cString: entry.pointee.ifa_name)),
                  let ip = address(socketAddress), !isLinkLocal(ip) else { continue }
            if !found.contains(ip) { found.append(ip) }
        }
        return found
    }

    private static func address(_ pointer: UnsafeMutablePointer<sockaddr>) -> IPAddress? {
        switch Int32(pointer.pointee.sa_family) {
        case AF_INET:
            let raw = pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr.s_addr }
            return .v4(IPv4Address(UInt32(bigEndian: raw)))
        case AF_INET6:
            let bytes = pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { p in
                withUnsafeBytes(of: p.pointee.sin6_addr) { Array($0) }
            }
            return IPv6Address(bytes: bytes).map { .v6($0) }
        default:
            return nil
        }
    }

    private static func isLinkLocal(_ ip: IPAddress) -> Bool {
        switch ip {
        case .v4(let a): a.value >> 16 == 0xA9FE                  // 169.254/16
        case .v6(let a): a.high >> 54 == 0x3FA                    // fe80::/10
        }
    }
}
