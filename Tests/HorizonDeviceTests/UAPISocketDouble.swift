import Foundation
import HorizonDevice
import Synchronization

/// A UAPI socket at /var/run/wireguard/NAME.sock answered by our codec, so the real `wg`
/// tool can be pointed at it. It serves connections on its own thread until stopped (or
/// for 20 s at most) and removes its socket file when done.
final class UAPISocketDouble: Sendable {
    static let directory = "/var/run/wireguard"

    let interfaceName: String
    private let path: String
    private let listener: Int32
    private let snapshot: UAPIDeviceSnapshot
    private let received = Mutex<[UAPISetOperation]>([])
    private let stopped = Mutex(false)
    private let finished = DispatchSemaphore(value: 0)

    /// Operations of every `set` request served so far.
    var operations: [UAPISetOperation] { received.withLock { $0 } }

    init(snapshot: UAPIDeviceSnapshot) throws {
        interfaceName = "hzeng\(getpid() % 100_000)\(Int.random(in: 0..<100))"
        path = "\(Self.directory)/\(interfaceName).sock"
        self.snapshot = snapshot
        try FileManager.default.createDirectory(atPath: Self.directory, withIntermediateDirectories: true)
        listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: path.utf8.prefix(raw.count - 1))
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard listener >= 0, bound == 0, listen(listener, 4) == 0 else {
            close(listener)
            throw CocoaError(.fileWriteUnknown)
        }
        Thread.detachNewThread { [self] in
            serve()
            finished.signal()
        }
    }

    func stop() {
        stopped.withLock { $0 = true }
        _ = finished.wait(timeout: .now() + 5)
        close(listener)
        unlink(path)
    }

    private func serve() {
        let deadline = Date().addingTimeInterval(20)
        while !stopped.withLock({ $0 }), Date() < deadline {
            var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 100) == 1 else { continue }
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { continue }
            handle(connection)
            close(connection)
        }
    }

    /// Answers requests on one connection until the client closes it or a request ends it.
    private func handle(_ connection: Int32) {
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var decoder = UAPIRequestDecoder()
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(connection, $0.baseAddress, $0.count) }
            guard count > 0 else { return }
            decoder.append(chunk[..<count])
            while let event = decoder.next() {
                var answer: [UInt8] = []
                switch event {
                case .get: answer = UAPIResponse.get(snapshot)
                case .set(let operation): received.withLock { $0.append(operation) }
                case .setCompleted: UAPIResponse.appendStatus(nil, to: &answer)
                case .failed(let error): UAPIResponse.appendStatus(error, to: &answer)
                case .unknownRequest: return
                }
                _ = answer.withUnsafeBytes { write(connection, $0.baseAddress, $0.count) }
                if case .failed = event { return }
            }
        }
    }
}
