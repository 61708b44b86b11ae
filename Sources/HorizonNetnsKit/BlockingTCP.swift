import Foundation

/// Plain blocking IPv4 TCP sockets with timeouts, enough to push a byte stream through a
/// tunnel in a test or benchmark. Every call is bounded by the socket timeouts.
public enum BlockingTCP {
    public struct Failure: Error, CustomStringConvertible {
        public let operation: String
        public let errno: Int32
        public var description: String { "\(operation): \(String(cString: strerror(errno)))" }
    }

    /// A socket with send/receive timeouts. Create it inside the namespace it belongs to.
    public static func socket(timeoutMilliseconds: Int = 5000) throws -> Int32 {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(operation: "socket", errno: errno) }
        var tv = timeval(tv_sec: timeoutMilliseconds / 1000, tv_usec: (timeoutMilliseconds % 1000) * 1000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        return fd
    }

    static func address(_ ip: String, _ port: UInt16) -> sockaddr_in {
        var sin = sockaddr_in()
        sin.sin_family = sa_family_t(AF_INET)
        sin.sin_port = port.bigEndian
        inet_pton(AF_INET, ip, &sin.sin_addr)
        return sin
    }

    public static func listen(_ fd: Int32, ip: String, port: UInt16) throws {
        var sin = address(ip, port)
        let rc = withUnsafePointer(to: &sin) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0, Glibc.listen(fd, 4) == 0 else { throw Failure(operation: "bind/listen \(ip):\(port)", errno: errno) }
    }

    /// Accepts one connection, waiting at most the socket's receive timeout.
    public static func accept(_ fd: Int32, timeoutMilliseconds: Int32 = 5000) throws -> Int32 {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&entry, 1, timeoutMilliseconds) == 1 else { throw Failure(operation: "accept", errno: ETIMEDOUT) }
        let client = Glibc.accept(fd, nil, nil)
        guard client >= 0 else { throw Failure(operation: "accept", errno: errno) }
        return client
    }

    public static func connect(_ fd: Int32, ip: String, port: UInt16) throws {
        var sin = address(ip, port)
        let rc = withUnsafePointer(to: &sin) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { throw Failure(operation: "connect \(ip):\(port)", errno: errno) }
    }

    /// Sends all of `bytes` (bounded by the send timeout).
    public static func sendAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let n = send(fd, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            guard n > 0 else { throw Failure(operation: "send", errno: errno) }
            offset += n
        }
    }

    /// Receives into `buffer` until it is full or the peer closes; returns the byte count.
    public static func receiveAll(_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var offset = 0
        while offset < buffer.count {
            let n = recv(fd, buffer.baseAddress! + offset, buffer.count - offset, 0)
            if n == 0 { break }
            guard n > 0 else { throw Failure(operation: "recv after \(offset) bytes", errno: errno) }
            offset += n
        }
        return offset
    }
}
