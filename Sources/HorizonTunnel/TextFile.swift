#if canImport(Glibc)
import Glibc
#endif
import HorizonCore

/// Whole small text files (a wg-quick file, a sysctl) read and written with plain syscalls;
/// failures come back as errno's text for the caller's message.
enum TextFile {
    static func read(_ path: String) -> Result<String, ErrnoError> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(ErrnoError(errno)) }
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFDIR { return .failure(ErrnoError(EISDIR)) }
        errno = 0
        let bytes = ReadToEnd.bytes(of: fd)
        if errno != 0 && errno != EINTR { return .failure(ErrnoError(errno)) }
        guard let text = String(validating: bytes, as: UTF8.self) else { return .failure(ErrnoError(EILSEQ)) }
        return .success(text)
    }

    /// Replaces the contents of an existing file (sysctls are written, never created).
    static func write(_ text: String, to path: String) -> ErrnoError? {
        let fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC)
        guard fd >= 0 else { return ErrnoError(errno) }
        defer { close(fd) }
        return WriteAll.bytes(Array(text.utf8), to: fd).map(ErrnoError.init)
    }

    /// Creates or replaces `path` (mode 0600) as a whole: written beside it, then renamed over
    /// it, so a reader sees the old contents or the new, never a part.
    static func replace(_ path: String, with text: String) -> ErrnoError? {
        let temporary = path + ".new"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return ErrnoError(errno) }
        let failure = WriteAll.bytes(Array(text.utf8), to: fd).map(ErrnoError.init)
        close(fd)
        if let failure {
            unlink(temporary)
            return failure
        }
        guard rename(temporary, path) == 0 else {
            let error = ErrnoError(errno)
            unlink(temporary)
            return error
        }
        return nil
    }
}
