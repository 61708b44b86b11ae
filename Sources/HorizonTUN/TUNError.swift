#if canImport(Glibc)
import Glibc
#endif

/// Why a TUN/TAP operation failed, worded for the person who has to fix it.
public struct TUNError: Error, Equatable, CustomStringConvertible {
    public let operation: String
    public let errno: Int32

    public init(_ operation: String, errno: Int32) {
        self.operation = operation
        self.errno = errno
    }

    public var description: String {
        let reason = String(cString: strerror(errno))
        switch errno {
        case EPERM, EACCES:
            return "\(operation): \(reason) — run as root or grant CAP_NET_ADMIN"
        case ENOENT where operation.contains("/dev/net/tun"):
            return "\(operation): \(reason) — load the tun module (modprobe tun)"
        default:
            return "\(operation): \(reason)"
        }
    }
}
