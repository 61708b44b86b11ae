import Fluent
import Foundation

/// Users' devices: enrolled by a logged-in user or, unattended, with a device enrollment key
/// bound to a user; approved at once and owned by that user. A user sees and removes only
/// their own devices, and another user's device answers 404 as if it did not exist.
struct DeviceService: Sendable {
    let enrollment: NodeEnrollment
    let enrollmentKeys: EnrollmentKeyService
    let netmapChanges: NetmapChangeHub

    struct Enrollment: Sendable {
        var name: String
        var publicKey: String
        var proof: NodeEnrollment.Proof
    }

    /// Enrolls a device for the logged-in `userID`.
    func enroll(_ input: Enrollment, for userID: UUID, by actor: Actor, on db: any Database) async throws -> (credential: String, node: Node) {
        let enrolled = try await enrollment.enroll(try request(input), proof: input.proof, by: actor, on: db) { _ in userID }
        netmapChanges.publish()
        return enrolled
    }

    /// Enrolls a device with a device enrollment key; the key's user owns it.
    func register(_ input: Enrollment, enrollmentKey secret: String, by actor: Actor, on db: any Database) async throws -> (credential: String, node: Node) {
        let keys = enrollmentKeys
        let enrolled = try await enrollment.enroll(try request(input), proof: input.proof, by: actor, detail: "with an enrollment key", on: db) { tx in
            let key = try await keys.redeem(secret: secret, for: .device, on: tx)
            guard let owner = key.$user.id else {
                throw EnrollmentKeyService.refused("this device enrollment key names no user to own the device; ask an administrator for a key made with a user")
            }
            guard let user = try await User.find(owner, on: tx), !user.disabled else {
                throw EnrollmentKeyService.refused("the user this key enrolls devices for is disabled")
            }
            return owner
        }
        netmapChanges.publish()
        return enrolled
    }

    /// Devices by owner and name, with their owners loaded: one user's, or everyone's.
    func list(ownedBy userID: UUID?, on db: any Database) async throws -> [Node] {
        var query = Node.query(on: db).filter(\.$kind == .device).with(\.$user)
        if let userID { query = query.filter(\.$user.$id == userID) }
        return try await query.all().sorted { ($0.user?.username ?? "", $0.name) < ($1.user?.username ?? "", $1.name) }
    }

    /// The device, if `principal` owns it or is an admin; 404 otherwise (also for someone
    /// else's device, so ids of other users' devices cannot be probed).
    func find(id: UUID, visibleTo principal: Principal?, on db: any Database) async throws -> Node {
        guard let node = try await Node.query(on: db).filter(\.$id == id).with(\.$user).first(), node.kind == .device,
              principal.map({ $0.isAdmin || node.$user.id == $0.userID }) ?? true else {
            throw APIError.notFound("no device with id \(id.uuidString)")
        }
        return node
    }

    private func request(_ input: Enrollment) throws -> NodeEnrollment.Request {
        NodeEnrollment.Request(
            kind: .device, name: try NodeInput.name(input.name), publicKey: try NodeInput.publicKey(input.publicKey),
            status: .approved)
    }
}
