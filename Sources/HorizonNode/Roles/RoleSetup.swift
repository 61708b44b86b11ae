import HorizonCore

/// What every role needs from the agent: identity, state, broker link and where its
/// interface goes.
struct RoleSetup: Sendable {
    let membership: Membership
    let nodeKey: PrivateKey
    let state: NodeStateDirectory
    let interfaceName: InterfaceName
    /// nil: /var/run/wireguard, where `wg show` looks.
    let uapiDirectory: String?

    var link: BrokerLink { BrokerLink(url: membership.broker, credential: membership.credential) }

    /// TAP names chosen with `horizon lan join --interface`, by network id.
    var lanInterfaceNames: [String: String] {
        let saved: [String: String]? = try? state.load(.lanInterfaces)
        return saved ?? [:]
    }

    /// The node's own overlay addresses as interface addresses (/32 and /128).
    static func hostPrefixes(_ addresses: [String]) -> [IPPrefix] {
        addresses.compactMap { IPPrefix($0.contains("/") ? $0 : $0 + ($0.contains(":") ? "/128" : "/32")) }
    }
}
