import HorizonCore
import HorizonUDP

/// Lookups for the relay's data fast path: where ChannelData goes, without building outputs
/// (no allocation per datagram). Anything these refuse takes `receive(fromClient:)` /
/// `receive(fromPeer:)`, which answer or drop it as before.
extension TURNServer {
    /// The relayed address and peer for data `client` sent on `channel`; nil: no live binding.
    public func channelRoute(client: UDPAddress, channel: UInt16, now: MonotonicTime) -> (relayed: UDPAddress, peer: UDPAddress)? {
        guard let allocation = allocations[client], now < allocation.expires,
              let binding = allocation.channels[channel], now < binding.expires else { return nil }
        return (allocation.relayed, binding.peer)
    }

    /// The client and channel for data `peer` sent to `relayed`; nil when it needs the slow
    /// path (no channel: a Data indication) or is dropped there (no permission, no allocation).
    public func peerRoute(peer: UDPAddress, relayed: UDPAddress, now: MonotonicTime) -> (client: UDPAddress, channel: UInt16)? {
        guard let client = clientOfRelay[relayed], let allocation = allocations[client], now < allocation.expires,
              allocation.permits(peer.ip, now: now), let channel = allocation.channel(of: peer, now: now) else { return nil }
        return (client, channel)
    }
}
