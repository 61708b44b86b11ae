import Foundation
import HorizonCore
import HorizonCrypto

/// The node's on-disk state (`/var/lib/horizon` by default): its identity key, and the JSON
/// records of `NodeStateDirectory+Records`. The directory is 0700 and the key 0600.
public struct NodeStateDirectory: Sendable {
    public static let defaultPath = "/var/lib/horizon"
    static let nodeKeyFile = "node.key"

    public let path: String

    public init(path: String = NodeStateDirectory.defaultPath) {
        self.path = path
    }

    public var nodeKeyPath: String { (path as NSString).appendingPathComponent(Self.nodeKeyFile) }

    /// Loads the node's private key, creating one on first use. A key that others can read
    /// is refused rather than silently used: it may already have leaked.
    public func loadOrCreateNodeKey() throws(NodeStateError) -> PrivateKey {
        try createDirectory()
        let fm = FileManager.default
        guard fm.fileExists(atPath: nodeKeyPath) else {
            let key = X25519.generatePrivateKey()
            try writeSecret(key.base64 + "\n", to: nodeKeyPath)
            return key
        }
        let attributes = try? fm.attributesOfItem(atPath: nodeKeyPath)
        let mode = (attributes?[.posixPermissions] as? NSNumber)?.intValue ?? 0
        guard mode & 0o077 == 0 else { throw .insecurePermissions(path: nodeKeyPath, mode: mode) }
        guard let text = try? String(contentsOfFile: nodeKeyPath, encoding: .utf8) else {
            throw .unreadable(path: nodeKeyPath)
        }
        guard let key = PrivateKey(base64: text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw .malformedKey(path: nodeKeyPath)
        }
        return key
    }

    func createDirectory() throws(NodeStateError) {
        do {
            try FileManager.default.createDirectory(
                atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .cannotCreate(path: path, reason: error.localizedDescription)
        }
    }

    /// Creates the file with mode 0600 from the start, so the secret is never world-readable.
    private func writeSecret(_ text: String, to file: String) throws(NodeStateError) {
        let fd = open(file, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw .cannotCreate(path: file, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        guard write(fd, bytes, bytes.count) == bytes.count else {
            throw .cannotCreate(path: file, reason: String(cString: strerror(errno)))
        }
    }
}

public enum NodeStateError: Error, Equatable, CustomStringConvertible {
    case cannotCreate(path: String, reason: String)
    case unreadable(path: String)
    case malformedKey(path: String)
    case insecurePermissions(path: String, mode: Int)
    case malformedRecord(path: String, reason: String)

    public var description: String {
        switch self {
        case .cannotCreate(let path, let reason):
            "cannot create \(path): \(reason) — run as root or choose another --state-dir"
        case .unreadable(let path):
            "cannot read \(path) — check its owner and permissions"
        case .malformedKey(let path):
            "\(path) does not hold a base64 WireGuard private key — remove it to generate a new identity"
        case .insecurePermissions(let path, let mode):
            "\(path) is readable by others (mode \(String(mode, radix: 8))) — run: chmod 600 \(path)"
        case .malformedRecord(let path, let reason):
            "\(path) is damaged (\(reason)) — remove it; the node enrolls again with `horizon server up` or `horizon login`"
        }
    }
}
