/// Why a UAPI request failed. The answer on the socket is `errno=-N` with N a Linux errno
/// value: the negative form is what wireguard-go sends and what `wg` turns back into
/// "Invalid argument" and friends. `message` is for the log only; the protocol has no
/// place for it.
public struct UAPIError: Error, Equatable, Sendable, CustomStringConvertible {
    public let errno: Int32
    public let message: String

    public init(errno: Int32, message: String) {
        self.errno = errno
        self.message = message
    }

    /// EINVAL: a key or value the protocol does not accept.
    public static func invalid(_ message: String) -> UAPIError { UAPIError(errno: 22, message: message) }
    /// EPROTO: a line that is not `key=value`.
    public static func malformed(_ message: String) -> UAPIError { UAPIError(errno: 71, message: message) }
    /// EIO: the request could not be read (here: a line too long to be one).
    public static func io(_ message: String) -> UAPIError { UAPIError(errno: 5, message: message) }
    /// EADDRINUSE: the listen port is taken.
    public static func portInUse(_ message: String) -> UAPIError { UAPIError(errno: 98, message: message) }

    public var description: String { "UAPI error \(errno): \(message)" }
}
