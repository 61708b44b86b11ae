import Foundation

/// Blocking UDP sockets with timeouts for echo tests through a tunnel, either family.
enum UDPEcho {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// A socket bound to `address` (nil: any) with 3-second receive timeouts; create it
    /// inside the namespace it belongs to.
    static func socket(bindTo address: String?, port: UInt16, ipv6: Bool? = nil) throws -> Int32 {
        let v6 = ipv6 ?? (address?.contains(":") ?? false)
        let fd = Glibc.socket(v6 ? AF_INET6 : AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(errno)") }
        var tv = timeval(tv_sec: 3, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var storage = sockaddr_storage()
        let length = fill(&storage, address: address ?? (v6 ? "::" : "0.0.0.0"), port: port)
        let rc = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard rc == 0 else {
            Glibc.close(fd)
            throw Failure(description: "bind \(address ?? "any"):\(port): \(String(cString: strerror(errno)))")
        }
        return fd
    }

    /// Echoes up to `count` datagrams back to their senders (stops at the first timeout).
    static func serve(_ fd: Int32, count: Int) {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        for _ in 0..<count {
            var peer = sockaddr_storage()
            var peerLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let n = withUnsafeMutablePointer(to: &peer) { peerPointer in
                peerPointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                    buffer.withUnsafeMutableBytes { recvfrom(fd, $0.baseAddress, $0.count, 0, address, &peerLength) }
                }
            }
            guard n >= 0 else { return }
            _ = withUnsafePointer(to: &peer) { peerPointer in
                peerPointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                    buffer.withUnsafeBytes { sendto(fd, $0.baseAddress, n, 0, address, peerLength) }
                }
            }
        }
    }

    /// Sends `payload` and waits for the same bytes to come back.
    static func roundTrip(_ fd: Int32, _ payload: [UInt8], to address: String, port: UInt16) throws {
        var storage = sockaddr_storage()
        let length = fill(&storage, address: address, port: port)
        let sent = withUnsafePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { target in
                payload.withUnsafeBytes { sendto(fd, $0.baseAddress, $0.count, 0, target, length) }
            }
        }
        guard sent == payload.count else { throw Failure(description: "sendto \(address): \(String(cString: strerror(errno)))") }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard n >= 0 else { throw Failure(description: "no echo from \(address) within 3 s") }
        guard Array(buffer.prefix(n)) == payload else { throw Failure(description: "echo from \(address) differs") }
    }

    private static func fill(_ storage: inout sockaddr_storage, address: String, port: UInt16) -> socklen_t {
        withUnsafeMutableBytes(of: &storage) { raw in
            if address.contains(":") {
                var sin6 = sockaddr_in6()
                sin6.sin6_family = sa_family_t(AF_INET6)
                sin6.sin6_port = port.bigEndian
                inet_pton(AF_INET6, address, &sin6.sin6_addr)
                raw.storeBytes(of: sin6, as: sockaddr_in6.self)
                return socklen_t(MemoryLayout<sockaddr_in6>.size)
            }
            var sin = sockaddr_in()
            sin.sin_family = sa_family_t(AF_INET)
            sin.sin_port = port.bigEndian
            inet_pton(AF_INET, address, &sin.sin_addr)
            raw.storeBytes(of: sin, as: sockaddr_in.self)
            return socklen_t(MemoryLayout<sockaddr_in>.size)
        }
    }
}
