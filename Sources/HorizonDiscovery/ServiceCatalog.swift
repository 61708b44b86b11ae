import HorizonCore

/// What a LAN's members announce over mDNS, built from the messages seen on it (sans-IO: the
/// caller hands in messages and the time). Instances come from DNS-SD PTR records, their port
/// and host from SRV records and the host's addresses from A/AAAA records, each kept for its
/// TTL; a goodbye (TTL 0) removes at once. Bounded, so a member that floods announcements
/// cannot grow it without end.
public struct ServiceCatalog: Sendable {
    public static let capacity = 512
    static let enumerationType = DNSName("_services._dns-sd._udp.local").key

    /// By instance name, case-folded.
    private var instances: [DNSName: Entry<Instance>] = [:]
    private var locations: [DNSName: Entry<(port: UInt16, target: DNSName)>] = [:]
    private var hosts: [DNSName: Entry<[String]>] = [:]

    private struct Instance: Sendable {
        var type: DNSName
        /// The instance's label as announced (case kept), for display.
        var label: String
        /// Who announced it: the address when no A/AAAA record came along.
        var source: String
    }

    private struct Entry<Value: Sendable>: Sendable {
        var value: Value
        var expires: MonotonicTime
    }

    public init() {}

    /// Takes in one message that came from `source`; returns the service types it enumerated
    /// (a browse answer), each worth a query of its own: the answers to that bring the
    /// instances, and refresh those known before they expire.
    @discardableResult
    public mutating func ingest(_ message: DNSMessage, from source: String, at now: MonotonicTime) -> [DNSName] {
        guard message.isResponse else { return [] }
        var typesToQuery: [DNSName] = []
        for record in message.records {
            let name = record.name.key
            let expires = now + .seconds(Int(record.ttl))
            switch record.data {
            case .ptr(let target) where name == Self.enumerationType:
                if record.ttl > 0 { typesToQuery.append(target) }
            case .ptr(let target) where Self.isServiceType(name):
                let instance = target.key
                guard record.ttl > 0 else { instances[instance] = nil; continue }
                guard instances[instance] != nil || instances.count < Self.capacity else { continue }
                instances[instance] = Entry(value: Instance(type: name, label: target.labels.first ?? "", source: source), expires: expires)
            case .srv(_, _, let port, let target):
                guard record.ttl > 0 else { locations[name] = nil; continue }
                guard locations[name] != nil || locations.count < Self.capacity else { continue }
                locations[name] = Entry(value: (port, target.key), expires: expires)
            case .a(let bytes), .aaaa(let bytes):
                guard let address = Self.address(bytes) else { continue }
                var known = hosts[name].map { $0.expires > now ? $0.value : [] } ?? []
                if record.ttl == 0 { known.removeAll { $0 == address } } else if !known.contains(address) { known.append(address) }
                guard hosts[name] != nil || hosts.count < Self.capacity else { continue }
                hosts[name] = Entry(value: known, expires: expires)
            default:
                continue
            }
        }
        return typesToQuery
    }

    /// The services whose instance and location are both current, by type and name.
    public func services(at now: MonotonicTime) -> [DiscoveredService] {
        instances.compactMap { instance, entry -> DiscoveredService? in
            guard entry.expires > now, let location = locations[instance], location.expires > now else { return nil }
            let type = entry.value.type.labels.prefix(2)
            let host = location.value.target
            var addresses = hosts[host].map { $0.expires > now ? $0.value : [] } ?? []
            if addresses.isEmpty { addresses = [entry.value.source] }
            return DiscoveredService(
                name: entry.value.label, type: type.joined(separator: "."), transport: type.last == "_udp" ? "udp" : "tcp",
                host: host.labels.last == "local" ? host.labels.dropLast().joined(separator: ".") : host.description,
                port: Int(location.value.port), addresses: addresses)
        }
        .sorted { ($0.type, $0.name) < ($1.type, $1.name) }
    }

    /// `_x._tcp.local` / `_x._udp.local`.
    static func isServiceType(_ name: DNSName) -> Bool {
        name.labels.count == 3 && name.labels[0].hasPrefix("_") && ["_tcp", "_udp"].contains(name.labels[1]) && name.labels[2] == "local"
    }

    static func address(_ bytes: [UInt8]) -> String? {
        switch bytes.count {
        case 4: IPv4Address(bytes[0], bytes[1], bytes[2], bytes[3]).description
        case 16: IPv6Address(bytes: bytes)?.description
        default: nil
        }
    }
}
