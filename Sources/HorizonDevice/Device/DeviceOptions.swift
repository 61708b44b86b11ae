/// How to create a `Device`.
public struct DeviceOptions: Sendable {
    /// The TUN interface's name; "" lets the kernel pick one (tun0, tun1, ...). Patterns
    /// such as "hz%d" are filled in by the kernel too.
    public var interfaceName: String
    /// The interface MTU set at creation. Later changes (`ip link set mtu`) are followed.
    public var mtu: Int = 1420

    public init(interfaceName: String = "", mtu: Int = 1420) {
        self.interfaceName = interfaceName
        self.mtu = mtu
    }
}
