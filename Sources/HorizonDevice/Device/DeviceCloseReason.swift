/// Why a `Device` stopped.
public enum DeviceCloseReason: Sendable, Equatable {
    /// `close()` was called.
    case closed
    /// The TUN interface went away underneath us (`ip link del`, or its namespace was deleted).
    case interfaceDeleted
}
