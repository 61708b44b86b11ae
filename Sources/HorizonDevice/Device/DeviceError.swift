import HorizonTUN
import HorizonUDP

/// Why a `Device` could not be created, worded for the person who has to fix it.
public enum DeviceError: Error, CustomStringConvertible, Equatable {
    /// Opening or configuring the TUN failed (permissions, missing module, name taken).
    case tun(TUNError)
    /// Binding the UDP listen port failed.
    case udp(UDPError)
    /// An option is out of range.
    case invalidOptions(String)

    public var description: String {
        switch self {
        case .tun(let error): "\(error)"
        case .udp(let error): "\(error)"
        case .invalidOptions(let message): message
        }
    }
}
