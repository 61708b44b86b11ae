#if canImport(Glibc)
import Glibc
#endif

/// Why setting up a UDP socket failed (never used on the packet path, which counts errors).
public struct UDPError: Error, Equatable, CustomStringConvertible {
    public let operation: String
    public let errno: Int32

    public init(_ operation: String, errno: Int32) {
        self.operation = operation
        self.errno = errno
    }

    public var description: String {
        let reason = String(cString: strerror(errno))
        switch errno {
        case EADDRINUSE: return "\(operation): \(reason) — another program uses this port; pick another ListenPort"
        case EACCES, EPERM: return "\(operation): \(reason) — run as root or grant CAP_NET_BIND_SERVICE"
        default: return "\(operation): \(reason)"
        }
    }
}
