import HorizonCore
import HorizonUDP

/// A request a TURN client makes (RFC 8656), named by what it asks for: events and errors
/// carry it, so whoever waits for one answer recognises it.
public enum TURNRequest: Hashable, Sendable, CustomStringConvertible {
    case allocate
    /// Extends the allocation by the server's default lifetime.
    case refresh
    /// Refresh with LIFETIME 0: ends the allocation.
    case release
    case createPermission(IPAddress)
    case channelBind(channel: UInt16, peer: UDPAddress)

    var method: STUNMethod {
        switch self {
        case .allocate: .allocate
        case .refresh, .release: .refresh
        case .createPermission: .createPermission
        case .channelBind: .channelBind
        }
    }

    /// What the request carries besides credentials.
    var attributes: [STUNAttribute] {
        switch self {
        case .allocate: [.requestedTransport(17)]   // UDP, the only transport relayed here
        case .refresh: []
        case .release: [.lifetime(0)]
        case .createPermission(let ip): [.xorPeerAddress(UDPAddress(ip: ip, port: 0))]   // the port is ignored
        case .channelBind(let channel, let peer): [.channelNumber(channel), .xorPeerAddress(peer)]
        }
    }

    public var description: String {
        switch self {
        case .allocate: "Allocate"
        case .refresh: "Refresh"
        case .release: "Refresh (release)"
        case .createPermission(let ip): "CreatePermission \(ip)"
        case .channelBind(let channel, let peer): "ChannelBind 0x\(String(channel, radix: 16)) \(peer)"
        }
    }
}
