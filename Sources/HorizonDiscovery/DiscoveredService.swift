/// A service a member announces on a LAN by DNS-SD over mDNS ("Alice's Printer", `_ipp._tcp`,
/// on alice-pc.local port 631).
public struct DiscoveredService: Codable, Equatable, Hashable, Sendable {
    /// The instance's own label, as people read it.
    public var name: String
    /// `_ipp._tcp`, `_http._tcp`, ...
    public var type: String
    /// `tcp` or `udp`, from the type.
    public var transport: String
    /// The host it runs on, without `.local`.
    public var host: String
    public var port: Int
    /// The host's addresses from the announcement, else the address it came from.
    public var addresses: [String]

    public init(name: String, type: String, transport: String, host: String, port: Int, addresses: [String]) {
        self.name = name
        self.type = type
        self.transport = transport
        self.host = host
        self.port = port
        self.addresses = addresses
    }
}
