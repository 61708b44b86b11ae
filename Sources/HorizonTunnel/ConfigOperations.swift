import HorizonCore
import HorizonDevice

/// The UAPI `set` operations that give a fresh device what a configuration file says, as
/// `wg setconf` would send them. Endpoint names are resolved here, before anything on the
/// host is touched, so a name that does not resolve stops the start cleanly.
public enum ConfigOperations {
    /// - Parameter fwmark: overrides the file's FwMark (the policy table of a default route).
    public static func operations(for config: WireGuardConfig, fwmark: UInt32? = nil) throws(TunnelError) -> [UAPISetOperation] {
        var operations: [UAPISetOperation] = []
        let interface = config.interface
        if let key = interface.privateKey { operations.append(.privateKey(key)) }
        if let port = interface.listenPort { operations.append(.listenPort(port)) }
        if let mark = fwmark ?? interface.fwMark { operations.append(.fwmark(mark)) }
        for peer in config.peers {
            operations.append(.peer(peer.publicKey))
            if let key = peer.presharedKey { operations.append(.presharedKey(key)) }
            if let endpoint = peer.endpoint { operations.append(.endpoint(try EndpointResolver.resolve(endpoint))) }
            if let seconds = peer.persistentKeepalive { operations.append(.persistentKeepaliveInterval(seconds)) }
            operations += peer.allowedIPs.map { .allowedIP($0.masked) }
        }
        return operations
    }
}
