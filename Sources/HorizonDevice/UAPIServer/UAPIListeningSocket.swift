import Glibc

/// The listening end of `<directory>/<interface>.sock`: the directory is created 0755,
/// the socket is 0600 (only root may configure the device). A stale socket left by a
/// crashed daemon is replaced; a live one means another process owns the interface.
/// On close the file is removed only if it is still the one this object created.
final class UAPIListeningSocket {
    let path: String
    private let descriptor: Int32
    private let identity: (device: UInt, inode: UInt)

    init(directory: String, interfaceName: String) throws(UAPIServerError) {
        path = "\(directory)/\(interfaceName).sock"
        guard let address = UnixSocketAddress(path: path) else {
            throw UAPIServerError("the UAPI socket path \(path) is too long for a UNIX socket")
        }
        try Self.createDirectory(directory)
        try Self.removeStaleSocket(at: path, address: address)

        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw UAPIServerError("cannot create a UNIX socket: \(Self.lastError())") }
        let bound = address.withSocketAddress { bind(descriptor, $0, $1) }
        guard bound == 0 else {
            let reason = Self.lastError()
            Glibc.close(descriptor)
            throw UAPIServerError("cannot create \(path): \(reason)")
        }
        var status = stat()
        guard chmod(path, 0o600) == 0, listen(descriptor, 16) == 0, lstat(path, &status) == 0 else {
            let reason = Self.lastError()
            Glibc.close(descriptor)
            unlink(path)
            throw UAPIServerError("cannot listen on \(path): \(reason)")
        }
        self.descriptor = descriptor
        identity = (UInt(status.st_dev), UInt(status.st_ino))
    }

    /// The next client, or nil once `shutdown()` was called.
    func accept() -> Int32? {
        while true {
            let client = Glibc.accept(descriptor, nil, nil)
            if client >= 0 {
                _ = fcntl(client, F_SETFD, FD_CLOEXEC)
                return client
            }
            switch errno {
            case EINTR, ECONNABORTED, EMFILE, ENFILE, ENOBUFS, ENOMEM: continue
            default: return nil
            }
        }
    }

    /// Makes a blocked `accept()` return nil.
    func shutdown() {
        _ = Glibc.shutdown(descriptor, Int32(SHUT_RDWR))
    }

    func close() {
        var status = stat()
        if lstat(path, &status) == 0, UInt(status.st_dev) == identity.device, UInt(status.st_ino) == identity.inode {
            unlink(path)
        }
        Glibc.close(descriptor)
    }

    private static func createDirectory(_ directory: String) throws(UAPIServerError) {
        var prefix = directory.hasPrefix("/") ? "" : "."
        for component in directory.split(separator: "/") {
            prefix += "/\(component)"
            guard mkdir(prefix, 0o755) == 0 || errno == EEXIST else {
                throw UAPIServerError("cannot create \(prefix): \(lastError())")
            }
        }
    }

    private static func removeStaleSocket(at path: String, address: UnixSocketAddress) throws(UAPIServerError) {
        var status = stat()
        guard lstat(path, &status) == 0 else { return }
        let probe = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        let connected = address.withSocketAddress { connect(probe, $0, $1) } == 0
        Glibc.close(probe)
        guard !connected else {
            throw UAPIServerError("\(path) is in use: another process already serves this interface")
        }
        guard status.st_mode & S_IFMT == S_IFSOCK else {
            throw UAPIServerError("\(path) exists and is not a socket; remove it if it is stale")
        }
        unlink(path)
    }

    static func lastError() -> String { String(cString: strerror(errno)) }
}
