import HorizonCore
import HorizonUDP

/// One client's allocation on the relay (RFC 8656 §2.2): its relayed address, who may send
/// to it (permissions, per IP) and the channels bound, each with its expiry.
struct TURNServerAllocation: Sendable {
    var client: UDPAddress
    var relayed: UDPAddress
    var username: String
    var key: STUNIntegrityKey
    /// The Allocate's transaction: a retransmission of it gets the same success again.
    var allocateTransaction: STUNTransactionID
    var expires: MonotonicTime
    var permissions: [IPAddress: MonotonicTime] = [:]
    var channels: [UInt16: (peer: UDPAddress, expires: MonotonicTime)] = [:]
    var channelOfPeer: [UDPAddress: UInt16] = [:]

    func permits(_ ip: IPAddress, now: MonotonicTime) -> Bool {
        permissions[ip].map { now < $0 } ?? false
    }

    func channel(of peer: UDPAddress, now: MonotonicTime) -> UInt16? {
        guard let channel = channelOfPeer[peer], let binding = channels[channel], now < binding.expires else { return nil }
        return channel
    }

    /// Drops lapsed permissions and channels.
    mutating func expire(now: MonotonicTime) {
        permissions = permissions.filter { now < $0.value }
        for (channel, binding) in channels where now >= binding.expires {
            channels[channel] = nil
            channelOfPeer[binding.peer] = nil
        }
    }
}
