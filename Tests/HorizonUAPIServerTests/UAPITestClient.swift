import Glibc

/// A UAPI client speaking the raw protocol over the socket, as `wg` does.
struct UAPITestClient {
    struct Failure: Error, CustomStringConvertible { let description: String }

    private let descriptor: Int32

    init(path: String) throws {
        descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else {
            Glibc.close(descriptor)
            throw Failure(description: "connect \(path): errno \(errno)")
        }
    }

    func close() { Glibc.close(descriptor) }

    /// Sends `request` in pieces of `chunk` bytes, then reads the answer up to its
    /// `errno=N` line and blank line (or until the server hangs up).
    func exchange(_ request: String, chunk: Int = 4096) throws -> String {
        let bytes = Array(request.utf8)
        var offset = 0
        while offset < bytes.count {
            let end = min(offset + chunk, bytes.count)
            let sent = bytes[offset..<end].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { throw Failure(description: "send: errno \(errno)") }
            offset += sent
        }
        return try readAnswer()
    }

    func readAnswer() throws -> String {
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while !isComplete(answer) {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { break }
            answer += buffer[..<count]
        }
        return String(decoding: answer, as: UTF8.self)
    }

    /// True once the connection hung up (the server closes after a failed request).
    func isClosedByServer() -> Bool {
        var byte: UInt8 = 0
        return recv(descriptor, &byte, 1, 0) == 0
    }

    private func isComplete(_ answer: [UInt8]) -> Bool {
        guard answer.count >= 2, answer.suffix(2) == [10, 10] else { return false }
        let text = String(decoding: answer, as: UTF8.self)
        return text.hasPrefix("errno=") || text.contains("\nerrno=")
    }
}
