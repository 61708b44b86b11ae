import Foundation

/// JSON records beside the node key: who the node is at the broker (`membership.json`, which
/// holds the node credential and so is written 0600 like the key), the client's chosen
/// connection (`connection.json`), the last netmap (`netmap.json`), which lets a node run
/// on when the broker is unreachable, also across a daemon restart, and the TAP names chosen
/// for its L2 networks (`lan-interfaces.json`).
extension NodeStateDirectory {
    public enum Record: String, Sendable {
        case membership = "membership.json"
        case connection = "connection.json"
        case netmap = "netmap.json"
        /// TAP names chosen with `horizon lan join --interface`, by network id.
        case lanInterfaces = "lan-interfaces.json"
    }

    public func recordPath(_ record: Record) -> String {
        (path as NSString).appendingPathComponent(record.rawValue)
    }

    /// The record's value, nil if it was never written.
    public func load<T: Decodable>(_ record: Record, as type: T.Type = T.self) throws(NodeStateError) -> T? {
        let file = recordPath(record)
        guard FileManager.default.fileExists(atPath: file) else { return nil }
        guard let data = FileManager.default.contents(atPath: file) else { throw .unreadable(path: file) }
        do {
            return try JSONDecoder.localAPI.decode(T.self, from: data)
        } catch {
            throw .malformedRecord(path: file, reason: "\(error)")
        }
    }

    /// Replaces the record atomically (write to a temporary file, then rename), mode 0600.
    public func save(_ value: some Encodable, as record: Record) throws(NodeStateError) {
        try createDirectory()
        let file = recordPath(record)
        let data: Data
        do {
            data = try JSONEncoder.localAPI.encode(value)
        } catch {
            throw .cannotCreate(path: file, reason: "\(error)")
        }
        let temporary = file + ".new"
        unlink(temporary)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw .cannotCreate(path: temporary, reason: String(cString: strerror(errno))) }
        let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd) == 0
        close(fd)
        guard written == data.count, synced, rename(temporary, file) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw .cannotCreate(path: file, reason: reason)
        }
    }

    public func remove(_ record: Record) {
        unlink(recordPath(record))
    }
}
