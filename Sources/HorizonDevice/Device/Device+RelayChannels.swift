import HorizonCore
import HorizonUDP
import HorizonWireGuard

/// A peer reached through a TURN relay without leaving the device: its endpoint becomes the
/// relay's address plus a channel the caller (NAT traversal) bound there from this device's
/// socket. The device then frames what it sends the peer as ChannelData and unwraps what the
/// relay sends on that channel (`RelayChannelFraming`); a WireGuard packet arriving on a
/// channel moves the endpoint there, like any roaming. Setting a plain endpoint (`apply`)
/// goes back to direct.
extension Device {
    /// False when the channel number is not a TURN channel or no peer has this key.
    @discardableResult
    public func setRelayedEndpoint(_ relay: UDPAddress, channel: UInt16, for publicKey: PublicKey) -> Bool {
        guard ChannelDataHeader.channels.contains(channel), let peer = engine.peer(for: publicKey) else { return false }
        engine.setEndpoint(PeerEndpoint(address: relay.ip, port: relay.port, relayChannel: channel), for: peer)
        return true
    }

    /// The relay channel of the peer's current endpoint (0: direct or none), as the device
    /// will send to it.
    public func relayChannel(of publicKey: PublicKey) -> UInt16 {
        guard let peer = engine.peer(for: publicKey) else { return 0 }
        return engine.status(of: peer, now: .now()).endpoint?.relayChannel ?? 0
    }
}
