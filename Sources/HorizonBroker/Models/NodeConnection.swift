import Fluent
import Foundation

/// A WireGuard session between a server and a device, as the nodes report it (the
/// `connections` table). Counters are kept as the device sees them, whichever end reported.
final class NodeConnection: Model, @unchecked Sendable {
    static let schema = "connections"

    @ID(key: .id) var id: UUID?
    @Parent(key: "server_id") var server: Node
    @Parent(key: "device_id") var device: Node
    @Field(key: "started_at") var startedAt: Date
    /// The last report from either end; a session nobody reports on times out from here.
    @Field(key: "updated_at") var updatedAt: Date
    @OptionalField(key: "ended_at") var endedAt: Date?
    /// Bytes the device received (server to device).
    @Field(key: "rx_bytes") var rxBytes: Int64
    /// Bytes the device sent (device to server).
    @Field(key: "tx_bytes") var txBytes: Int64
    @OptionalField(key: "endpoint") var endpoint: String?

    init() {}

    init(serverID: UUID, deviceID: UUID, startedAt: Date) {
        self.$server.id = serverID
        self.$device.id = deviceID
        self.startedAt = startedAt
        self.updatedAt = startedAt
        self.endedAt = nil
        self.rxBytes = 0
        self.txBytes = 0
        self.endpoint = nil
    }
}
