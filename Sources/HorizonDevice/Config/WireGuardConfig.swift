import HorizonCore

/// A WireGuard configuration file as `wg setconf` and `wg-quick` read it: one [Interface]
/// section and any number of [Peer] sections. Values are typed; wg-quick's hooks are kept
/// as the command text the file gave.
public struct WireGuardConfig: Equatable, Sendable {
    public var interface: Interface
    public var peers: [Peer]
    /// Horizon's [LAN] sections (only in the `.horizon` dialect).
    public var lans: [LAN]

    public init(interface: Interface = Interface(), peers: [Peer] = [], lans: [LAN] = []) {
        self.interface = interface
        self.peers = peers
        self.lans = lans
    }

    public struct Interface: Equatable, Sendable {
        public var privateKey: PrivateKey?
        /// 0 asks for a random port.
        public var listenPort: UInt16?
        /// nil when unset or "off" (a mark of 0 means off too).
        public var fwMark: UInt32?
        /// wg-quick: addresses given to the interface, host bits kept ("10.0.0.2/24").
        public var addresses: [IPPrefix] = []
        public var dns: [DNSEntry] = []
        public var mtu: Int?
        public var table: RoutingTable?
        public var preUp: [String] = []
        public var postUp: [String] = []
        public var preDown: [String] = []
        public var postDown: [String] = []
        public var saveConfig = false

        public init() {}
    }

    public struct Peer: Equatable, Sendable {
        public var publicKey: PublicKey
        public var presharedKey: PresharedKey?
        public var allowedIPs: [IPPrefix] = []
        /// May name a host; resolving it is the caller's business.
        public var endpoint: Endpoint?
        /// Seconds; nil when off.
        public var persistentKeepalive: UInt16?

        public init(publicKey: PublicKey) {
            self.publicKey = publicKey
        }
    }

    /// wg-quick's DNS entries: an address is a resolver, anything else a search domain.
    public enum DNSEntry: Equatable, Sendable {
        case server(IPAddress)
        case searchDomain(String)
    }

    /// wg-quick's Table: where routes for the allowed IPs go.
    public enum RoutingTable: Equatable, Sendable {
        /// Add no routes.
        case off
        /// Pick a table (the main one, or a fresh one for default routes).
        case auto
        case id(UInt32)
        /// A table named in /etc/iproute2/rt_tables, such as "main".
        case name(String)
    }
}
