import HorizonCore

/// Where a peer is reached, and from where we reach it: the remote UDP address plus our
/// own address the peer last wrote to ("sticky source"), so replies leave from the address
/// the peer already knows even on a host with several.
public struct PeerEndpoint: Hashable, Sendable, CustomStringConvertible {
    public var address: IPAddress
    public var port: UInt16
    /// Our address the peer sent to; nil lets the kernel's route pick the source.
    public var localAddress: IPAddress?
    /// The interface that address was received on (0: any).
    public var localInterface: UInt32
    /// Non-zero: `address:port` is a TURN relay and the peer sits behind its channel with
    /// this number, so datagrams to the peer travel as ChannelData (RFC 8656 §12.4).
    public var relayChannel: UInt16

    public init(address: IPAddress, port: UInt16, localAddress: IPAddress? = nil, localInterface: UInt32 = 0,
                relayChannel: UInt16 = 0) {
        self.address = address
        self.port = port
        self.localAddress = localAddress
        self.localInterface = localInterface
        self.relayChannel = relayChannel
    }

    /// The bytes a cookie is bound to: the remote address and port.
    var cookieSource: [UInt8] { CookieChecker.sourceBytes(address: address, port: port) }

    public var description: String { Endpoint(address: address, port: port).description }
}
