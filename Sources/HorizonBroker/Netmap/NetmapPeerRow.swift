import Foundation
import SQLKit

/// The columns a netmap shows of a peer, read with one plain SQL query: decoding 1,000 full
/// Fluent models (two dozen property wrappers each) costs more than the query itself.
struct NetmapPeerRow: Decodable {
    var id: UUID
    var name: String
    var publicKey: String
    var ipv4Address: String?
    var ipv6Address: String?
    var endpoints: [String]
    var country: String?
    var city: String?
    var latitude: Double?
    var longitude: Double?
    var load: Double?
    var lastHeartbeatAt: Date?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, name, publicKey = "public_key", ipv4Address = "ipv4_address", ipv6Address = "ipv6_address"
        case endpoints, country, city, latitude, longitude, load, lastHeartbeatAt = "last_heartbeat_at"
    }

    /// Every approved node of `kind`, by the `nodes_netmap` index.
    static func approved(_ kind: Node.Kind, on sql: any SQLDatabase) async throws -> [NetmapPeerRow] {
        try await sql.select()
            .columns(CodingKeys.allCases.map { SQLIdentifier($0.rawValue) })
            .from(Node.schema)
            .where("kind", .equal, SQLBind(kind.rawValue))
            .where("status", .equal, SQLBind(Node.Status.approved.rawValue))
            .all(decoding: NetmapPeerRow.self)
    }

    func member(kind: Node.Kind) -> Netmap.Member {
        Netmap.Member(
            id: id, kind: kind, name: name, publicKey: publicKey, status: .approved,
            addresses: [ipv4Address, ipv6Address].compactMap { $0 }, endpoints: endpoints,
            location: country.map { Netmap.Location(country: $0, city: city, latitude: latitude, longitude: longitude) },
            load: kind == .server ? load : nil)
    }
}
