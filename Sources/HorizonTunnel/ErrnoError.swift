#if canImport(Glibc)
import Glibc
#endif

/// A failed system call, as errno's text ("No such file or directory").
struct ErrnoError: Error, CustomStringConvertible {
    let code: Int32
    var description: String { String(cString: strerror(code)) }
    init(_ code: Int32) { self.code = code }
}
