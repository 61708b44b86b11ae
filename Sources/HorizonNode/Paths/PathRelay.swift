import HorizonBrokerClient
import HorizonCore
import HorizonNAT
import HorizonUDP

/// A STUN or TURN server from the netmap's `relays`, with its address resolved.
struct PathRelay: Hashable, Sendable {
    var address: UDPAddress
    /// Set for TURN relays that have a long-term credential; STUN-only ones have none.
    var credentials: TURNCredentials?

    /// Nil for relays whose host does not resolve or whose port is out of range.
    init?(_ relay: Components.Schemas.Relay) {
        guard let port = UInt16(exactly: relay.port),
              let resolved = try? EndpointResolver.resolve(Endpoint(host: IPAddress(relay.host).map { .address($0) } ?? .name(relay.host), port: port)),
              case .address(let ip) = resolved.host else { return nil }
        address = UDPAddress(ip: ip, port: port)
        if relay.kind == .turn, let username = relay.username, let password = relay.password {
            credentials = TURNCredentials(username: username, password: password)
        }
    }

    init(address: UDPAddress, credentials: TURNCredentials?) {
        self.address = address
        self.credentials = credentials
    }
}
