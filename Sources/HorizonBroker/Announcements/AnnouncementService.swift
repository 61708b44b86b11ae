import Fluent
import Foundation

/// Services members announce in their networks (`horizon lan announce NAME PORT`): a node
/// announces for itself, in a network it is a member of; announcing the same port and
/// protocol again renames the announcement instead of adding a second. Each change is
/// audited and publishes a netmap change, since netmaps list every network's services.
struct AnnouncementService: Sendable {
    let clock: BrokerClock
    let audit: AuditLog
    let membership: NetworkMembership
    let netmapChanges: NetmapChangeHub

    static let maxPerMember = 32
    static let maxNameBytes = 63

    struct Request: Sendable {
        var network: String
        var name: String
        var port: Int
        var transport: ServiceAnnouncement.TransportProtocol
    }

    /// The announcement and whether it is new (false: an existing one was renamed).
    func announce(_ request: Request, by node: NodePrincipal, actor: Actor, on db: any Database) async throws -> (ServiceAnnouncement, created: Bool) {
        let name = try Self.checkName(request.name)
        guard (1...65535).contains(request.port) else {
            throw APIError.badRequest("port must be from 1 to 65535 (got \(request.port))", code: "invalid_port")
        }
        guard node.status == .approved else {
            throw APIError(.forbidden, "node_not_approved", "this \(node.kind.rawValue) is \(node.status.rawValue); only approved nodes announce services")
        }
        let network = try await membership.network(request.network, on: db)
        guard let member = try await membership.membership(of: node.nodeID, in: network, on: db) else {
            throw APIError(.forbidden, "not_a_member", "this \(node.kind.rawValue) is not a member of '\(network.name)'; ask an administrator to add it")
        }
        let memberID = try member.requireID()
        let existing = try await ServiceAnnouncement.query(on: db).filter(\.$member.$id == memberID).all()
        let announcement: ServiceAnnouncement
        let created: Bool
        if let same = existing.first(where: { $0.port == request.port && $0.transport == request.transport }) {
            same.$member.value = member
            guard same.name != name else { return (same, false) }
            same.name = name
            announcement = same
            created = false
        } else {
            guard existing.count < Self.maxPerMember else {
                throw APIError.conflict(
                    "a member announces at most \(Self.maxPerMember) services per network; withdraw one first", code: "too_many_announcements")
            }
            announcement = try ServiceAnnouncement(member: member, name: name, port: request.port, transport: request.transport, createdAt: clock.now())
            created = true
        }
        do {
            try await db.transaction { tx in
                try await announcement.save(on: tx)
                try await audit.record(
                    .serviceAnnounced, by: actor, target: .network(network),
                    detail: "\(name) on \(node.name) \(request.port)/\(request.transport.rawValue)", on: tx)
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw APIError.conflict("the same port was announced meanwhile; retry")
        }
        netmapChanges.publish()
        announcement.$member.value = member
        return (announcement, created)
    }

    /// The node's own announcements, in every network.
    func announcements(of nodeID: UUID, on db: any Database) async throws -> [ServiceAnnouncement] {
        try await ServiceAnnouncement.query(on: db).filter(\.$nodeID == nodeID).with(\.$member).all().sorted(by: Self.order)
    }

    /// The announcements in `network` of its approved members, with the member each belongs to.
    func services(in network: Network, on db: any Database) async throws -> [(ServiceAnnouncement, NetworkMember)] {
        let members = try await membership.members(of: network, on: db).filter { $0.node.status == .approved }
        let byID = Dictionary(uniqueKeysWithValues: try members.map { (try $0.requireID(), $0) })
        return try await ServiceAnnouncement.query(on: db).filter(\.$networkID == network.requireID()).all()
            .sorted(by: Self.order)
            .compactMap { announcement in byID[announcement.$member.id].map { (announcement, $0) } }
    }

    /// Withdraws one of the node's own announcements (404 for anyone else's).
    func withdraw(_ id: UUID, by node: NodePrincipal, actor: Actor, on db: any Database) async throws {
        guard let announcement = try await ServiceAnnouncement.find(id, on: db), announcement.nodeID == node.nodeID else {
            throw APIError.notFound("no announcement of this node with id \(id.uuidString)")
        }
        let network = try await Network.find(announcement.networkID, on: db)
        try await db.transaction { tx in
            try await announcement.delete(on: tx)
            try await audit.record(
                .serviceWithdrawn, by: actor, target: network.map(AuditTarget.network),
                detail: "\(announcement.name) on \(node.name) \(announcement.port)/\(announcement.transport.rawValue)", on: tx)
        }
        netmapChanges.publish()
    }

    /// 1 to 63 bytes of UTF-8 (a DNS-SD instance name's limit) without control characters.
    static func checkName(_ raw: String) throws -> String {
        let name = raw.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.utf8.count <= maxNameBytes,
              !name.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) }) else {
            throw APIError.badRequest("a service name is 1 to \(maxNameBytes) bytes of text without control characters", code: "invalid_name")
        }
        return name
    }

    private static func order(_ a: ServiceAnnouncement, _ b: ServiceAnnouncement) -> Bool {
        (a.name, a.nodeID.uuidString, a.transport.rawValue, a.port) < (b.name, b.nodeID.uuidString, b.transport.rawValue, b.port)
    }
}
