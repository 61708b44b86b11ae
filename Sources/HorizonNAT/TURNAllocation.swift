import HorizonCore
import HorizonUDP

/// A relayed transport address the TURN server holds for us.
public struct TURNAllocation: Hashable, Sendable {
    /// Where peers send to reach us through the relay (XOR-RELAYED-ADDRESS).
    public var relayed: UDPAddress
    /// Our address as the server sees it (XOR-MAPPED-ADDRESS): a server-reflexive candidate for free.
    public var mapped: UDPAddress?
    public var lifetime: Duration
    /// When the server drops it unless refreshed.
    public var expires: MonotonicTime

    public init(relayed: UDPAddress, mapped: UDPAddress?, lifetime: Duration, expires: MonotonicTime) {
        self.relayed = relayed
        self.mapped = mapped
        self.lifetime = lifetime
        self.expires = expires
    }
}
