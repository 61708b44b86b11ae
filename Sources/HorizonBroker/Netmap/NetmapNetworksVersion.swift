import Vapor  // swift-crypto (SHA-256), re-exported

/// Folds ``NetmapNetworks`` into a netmap's version: a node whose networks, members, MACs,
/// services or relays change gets a new version, like one whose peers change. A map without
/// networks or relays keeps the version of its peers alone.
enum NetmapNetworksVersion {
    static func of(base: String, _ networks: NetmapNetworks) -> String {
        guard !networks.isEmpty else { return base }
        var fields = [base, String(networks.networks.count)]
        for entry in networks.networks {
            fields += [entry.id.uuidString, entry.name, entry.mode.rawValue, String(entry.tag), entry.ipv4CIDR,
                       entry.ipv6Prefix, entry.mac, String(entry.addresses.count)] + entry.addresses
            fields.append(String(entry.members.count))
            for member in entry.members {
                fields += [member.nodeID.uuidString, member.kind.rawValue, member.name, member.publicKey, member.mac,
                           String(member.addresses.count)] + member.addresses + [String(member.endpoints.count)] + member.endpoints
            }
            fields.append(String(entry.services.count))
            for service in entry.services {
                fields += [service.id.uuidString, service.nodeID.uuidString, service.name, String(service.port), service.transport.rawValue]
            }
        }
        fields.append(String(networks.relays.count))
        for relay in networks.relays {
            fields += [relay.uri, relay.username ?? "", relay.password ?? ""]
        }
        var hash = SHA256()
        for field in fields {
            // Length-prefixed, so no two different lists give the same byte stream.
            var length = UInt32(field.utf8.count).bigEndian
            withUnsafeBytes(of: &length) { hash.update(bufferPointer: $0) }
            hash.update(data: Data(field.utf8))
        }
        return hash.finalize().prefix(16).map { String(format: "%02x", $0) }.joined()
    }
}
