import Vapor  // swift-crypto (SHA-256), re-exported
import Foundation

/// Identifiers the broker derives instead of drawing at random (a network's tag, a member's
/// MAC), so the same inputs give the same value on every broker and after a member leaves
/// and joins again. A collision with a value already taken moves on to the next `attempt`.
enum StableDerivation {
    /// SHA-256 over a label, the ids (16 raw bytes each) and the attempt number.
    static func digest(_ label: String, _ ids: [UUID], attempt: Int) -> [UInt8] {
        var hash = SHA256()
        hash.update(data: Data(label.utf8))
        for id in ids {
            withUnsafeBytes(of: id.uuid) { hash.update(bufferPointer: $0) }
        }
        var counter = UInt32(clamping: attempt).bigEndian
        withUnsafeBytes(of: &counter) { hash.update(bufferPointer: $0) }
        return Array(hash.finalize())
    }
}
