import HorizonCore
import HorizonUDP

/// A non-WireGuard datagram that arrived on the device's UDP port (STUN, TURN ChannelData),
/// copied off the packet path for NAT traversal.
public struct DeviceDatagram: Sendable, Equatable {
    public var bytes: [UInt8]
    /// Who sent it: the address to answer, and what a STUN server saw us as.
    public var source: UDPAddress
    /// The local address it was sent to, when the kernel said.
    public var local: IPAddress?

    public init(bytes: [UInt8], source: UDPAddress, local: IPAddress? = nil) {
        self.bytes = bytes
        self.source = source
        self.local = local
    }
}

/// What the device did with datagrams for NAT traversal.
public struct DeviceDatagramCounters: Sendable, Equatable {
    /// Accepted by the handler's filter and queued.
    public var queued: UInt64 = 0
    /// Handed to the handler.
    public var delivered: UInt64 = 0
    /// Accepted but dropped because the queue was full (the handler is too slow).
    public var droppedQueueFull: UInt64 = 0
    /// Sent with `Device.sendDatagram`, and the sends that failed.
    public var sent: UInt64 = 0
    public var sendFailures: UInt64 = 0

    public init() {}
}
