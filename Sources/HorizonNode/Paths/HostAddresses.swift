import Foundation
import HorizonCore

/// The addresses of this host's interfaces that a peer might reach directly: up, not
/// loopback, not link-local (those need a scope a candidate cannot carry), and not on an
/// overlay: the interfaces given, and any TUN, TAP or WireGuard interface (a peer reached
/// through a tunnel is no path for the tunnel; a check that succeeded over it would point
/// WireGuard into itself).
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
                  case let name = String(cString: entry.pointee.ifa_name), !excluded.contains(name), !isTunnel(name),
                  let ip = address(socketAddress), !isLinkLocal(ip) else { continue }
            if !found.contains(ip) { found.append(ip) }
        }
        return found
    }

    /// TUN and WireGuard interfaces have no link layer (ARPHRD_NONE); TUN and TAP ones have tun_flags.
    private static func isTunnel(_ name: String) -> Bool {
        let directory = "/sys/class/net/\(name)/"
        let type = (try? String(contentsOfFile: directory + "type", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        return type == "65534" || FileManager.default.fileExists(atPath: directory + "tun_flags")
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
