#if canImport(Glibc)
import Glibc
#endif

/// Writes all of a buffer to a file descriptor, retrying interrupted and short writes.
public enum WriteAll {
    /// Returns errno when a write fails.
    @discardableResult
    public static func bytes(_ bytes: [UInt8], to fd: Int32) -> Int32? {
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                offset += count
            } else if count < 0 && errno == EINTR {
                continue
            } else {
                return count < 0 ? errno : EIO
            }
        }
        return nil
    }
}
