import HorizonCore
import HorizonUDP

/// What a TURN client learns from the server or from peers through it.
public enum TURNEvent: Hashable, Sendable {
    case allocated(TURNAllocation)
    case refreshed(lifetime: Duration)
    case permissionCreated(IPAddress)
    case channelBound(channel: UInt16, peer: UDPAddress)
    case released
    /// Application data from a peer, out of a Data indication or a ChannelData message.
    case data(from: UDPAddress, [UInt8])
    case failed(TURNRequest, TURNError)
}
