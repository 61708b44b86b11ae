#if canImport(Glibc)
import Glibc
#endif

/// A NULL-terminated array of C strings (argv, envp) that lives for one call.
public enum CStringArray {
    public static func with<T>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> T) -> T {
        let pointers = strings.map { strdup($0) } + [nil]
        defer { pointers.forEach { free($0) } }
        return body(pointers)
    }
}
