import Fluent
import Vapor

/// Every schema change, in order. Never edit a shipped migration: add a new one.
enum Migrations {
    static func register(on app: Application) {
        app.migrations.add(CreateUsers())
        app.migrations.add(AddLoginLockoutToUsers())
        app.migrations.add(CreateAccessTokens())
        app.migrations.add(CreateAuditEvents())
        app.migrations.add(CreateNetworks())
        app.migrations.add(CreateEnrollmentKeys())
        app.migrations.add(CreateNodes())
        app.migrations.add(AddServerAndDeviceColumnsToNodes())
        app.migrations.add(CreateNodeChallenges())
        app.migrations.add(CreateConnections())
        app.migrations.add(AddNetmapIndexToNodes())
        // Network membership, MACs and tags, service announcements (issue 7).
        app.migrations.add(AddTagsToNetworks())
        app.migrations.add(CreateNetworkMembers())
        app.migrations.add(CreateServiceAnnouncements())
        // Room in `nodes` pages for HOT heartbeat updates on PostgreSQL (issue 4).
        app.migrations.add(SetNodesFillFactor())
    }
}
