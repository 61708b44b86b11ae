import Foundation

/// Who may open the local API socket: root always; members of the `horizon` group when the
/// group exists (so an administrator can grant the CLI without sudo); nobody else.
enum LocalSocketFile {
    static let groupName = "horizon"

    /// Creates the socket's directory (0755, like /run/horizon under systemd's RuntimeDirectory)
    /// and removes a socket file a dead daemon left behind — but refuses to take the socket of
    /// one that still answers.
    static func prepare(_ socketPath: String) throws(LocalAPIError) {
        let directory = (socketPath as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(
                    atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
            } catch {
                throw LocalAPIError("cannot create \(directory): \(error.localizedDescription) — run as root or pass --socket PATH")
            }
        }
        guard FileManager.default.fileExists(atPath: socketPath) else { return }
        if someoneListens(on: socketPath) {
            throw LocalAPIError("another horizon daemon is already running on \(socketPath) — stop it first, or pass --socket PATH")
        }
        try? FileManager.default.removeItem(atPath: socketPath)
    }

    /// True when a connection to the Unix socket at `path` is accepted.
    private static func someoneListens(on path: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let length = socklen_t(MemoryLayout<sockaddr_un>.size)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, length) }
        } == 0
    }

    /// 0660 with group `horizon` when it exists, else 0600.
    static func restrict(_ socketPath: String) throws(LocalAPIError) {
        var mode: mode_t = 0o600
        if let group = getgrnam(groupName) {
            if chown(socketPath, geteuid(), group.pointee.gr_gid) == 0 { mode = 0o660 }
        }
        guard chmod(socketPath, mode) == 0 else {
            throw LocalAPIError("cannot set the permissions of \(socketPath): \(String(cString: strerror(errno)))")
        }
    }
}
