import Fluent
import Foundation

/// One security-relevant event. Names are copied in, not referenced, so the record
/// survives the deletion of the user or token it mentions.
final class AuditEvent: Model, @unchecked Sendable {
    static let schema = "audit_events"

    @ID(key: .id) var id: UUID?
    @Field(key: "time") var time: Date
    @Field(key: "action") var action: String
    /// Username that acted; for a failed login the name that was tried; `operator` for the CLI.
    @Field(key: "actor_name") var actorName: String
    @OptionalField(key: "actor_id") var actorID: UUID?
    @OptionalField(key: "target_type") var targetType: String?
    @OptionalField(key: "target_id") var targetID: String?
    @OptionalField(key: "target_name") var targetName: String?
    @OptionalField(key: "source_address") var sourceAddress: String?
    @OptionalField(key: "detail") var detail: String?

    init() {}

    init(
        time: Date, action: String, actorName: String, actorID: UUID?,
        targetType: String?, targetID: String?, targetName: String?, sourceAddress: String?, detail: String?
    ) {
        self.time = time
        self.action = action
        self.actorName = actorName
        self.actorID = actorID
        self.targetType = targetType
        self.targetID = targetID
        self.targetName = targetName
        self.sourceAddress = sourceAddress
        self.detail = detail
    }
}
