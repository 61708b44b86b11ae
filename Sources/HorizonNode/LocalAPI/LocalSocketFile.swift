import Foundation

/// Who may open the local API socket: root always; members of the `horizon` group when the
/// group exists (so an administrator can grant the CLI without sudo); nobody else.
enum LocalSocketFile {
    static let groupName = "horizon"

    /// Creates the socket's directory (0755, like /run/horizon under systemd's RuntimeDirectory).
    static func prepare(_ socketPath: String) throws(LocalAPIError) {
        let directory = (socketPath as NSString).deletingLastPathComponent
        guard !directory.isEmpty else { return }
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        } catch {
            throw LocalAPIError("cannot create \(directory): \(error.localizedDescription) — run as root or pass --socket PATH")
        }
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
