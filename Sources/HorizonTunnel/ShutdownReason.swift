/// Why a running interface stops.
public enum ShutdownReason: Equatable, Sendable {
    /// SIGINT or SIGTERM, with its number.
    case signal(Int32)
    /// The interface was deleted underneath the process (`ip link del`).
    case interfaceDeleted
}
