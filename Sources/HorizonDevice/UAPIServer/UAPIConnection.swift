import Glibc

/// Serves one UAPI client until it hangs up: `get` answers with a snapshot of the device,
/// a `set` is applied as one unit when its closing blank line arrives. The request is
/// decoded as it streams in (the read buffer stays small however many allowed IPs come);
/// only the typed operations of the current `set` are held until it completes, so a
/// broken request changes nothing.
struct UAPIConnection {
    /// A client that sends nothing for this long is dropped, so it cannot pin a thread.
    static let idleTimeoutSeconds = 30
    static let readSize = 64 * 1024

    let descriptor: Int32
    let device: Device
    let log: UAPIServer.Log

    func serve() {
        setIdleTimeout()
        var decoder = UAPIRequestDecoder()
        var pending: [UAPISetOperation] = []
        var buffer = [UInt8](repeating: 0, count: Self.readSize)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return }
            decoder.append(buffer[..<count])
            while let event = decoder.next() {
                switch event {
                case .get:
                    guard send(UAPIResponse.get(device.snapshot())) else { return }
                case .set(let operation):
                    pending.append(operation)
                case .setCompleted:
                    let error = device.apply(pending)
                    pending = []
                    if let error { log.error("UAPI set failed: \(error.message)") }
                    guard send(Self.status(error)) else { return }
                case .failed(let error):
                    log.error("UAPI request refused: \(error.message)")
                    _ = send(Self.status(error))
                    return
                case .unknownRequest:
                    return
                }
            }
        }
    }

    private static func status(_ error: UAPIError?) -> [UInt8] {
        var out: [UInt8] = []
        UAPIResponse.appendStatus(error, to: &out)
        return out
    }

    /// Writes all of `bytes`; false when the client went away.
    private func send(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Glibc.send(descriptor, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if written < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += written
            }
            return true
        }
    }

    private func setIdleTimeout() {
        var timeout = timeval(tv_sec: Self.idleTimeoutSeconds, tv_usec: 0)
        _ = setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }
}
