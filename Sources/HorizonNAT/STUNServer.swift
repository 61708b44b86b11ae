import Foundation
import HorizonCore
import HorizonUDP
import Synchronization

/// A STUN server: `STUNResponder` behind UDP sockets, one thread per socket, so the broker
/// or a gateway can offer STUN on a port of its own. Stops within ~100 ms of `stop()`.
public final class STUNServer: @unchecked Sendable {
    public struct Counters: Equatable, Sendable {
        /// Datagrams read.
        public var received = 0
        /// Responses sent (successes and errors).
        public var answered = 0
        /// Datagrams that got no answer (not STUN, not a request, bad fingerprint) or
        /// whose answer could not be sent.
        public var ignored = 0
    }

    public let sockets: [UDPSocket]
    public let responder: STUNResponder
    private let stopping = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)
    private let lock = Mutex(Counters())
    private var started = false

    /// Serves on `sockets` (for example loopback-bound ones, or a `DualStackUDP`'s two).
    public init(sockets: [UDPSocket], responder: STUNResponder = STUNResponder()) {
        self.sockets = sockets
        self.responder = responder
    }

    /// Serves on `port` of every address, IPv4 and IPv6 (the standard STUN port is 3478).
    public convenience init(port: UInt16, responder: STUNResponder = STUNResponder()) throws(UDPError) {
        let pair = try DualStackUDP(port: port, bufferBytes: 1 << 20)
        self.init(sockets: [pair.ipv4] + (pair.ipv6.map { [$0] } ?? []), responder: responder)
    }

    /// Starts one thread per socket. A server runs once: it cannot be restarted after `stop()`.
    public func start() {
        precondition(!started && !stopping.load(ordering: .relaxed), "STUNServer started twice")
        started = true
        for socket in sockets {
            socket.setReceiveTimeout(milliseconds: 100)
            Thread { [self] in
                serve(socket)
                finished.signal()
            }.start()
        }
    }

    /// Stops every thread and returns what they did; the sockets stay open for their owner.
    /// Calling it again only returns the counters.
    @discardableResult
    public func stop() -> Counters {
        stopping.store(true, ordering: .relaxed)
        if started {
            for _ in sockets { finished.wait() }
            started = false
        }
        return counters
    }

    public var counters: Counters { lock.withLock { $0 } }

    private func serve(_ socket: UDPSocket) {
        let receiveBatch = UDPReceiveBatch(messageSlots: 32, bufferSize: 2048)
        let sendBatch = UDPSendBatch(capacity: 32)
        while !stopping.load(ordering: .relaxed) {
            let n = socket.receive(into: receiveBatch)
            if n == -Int(EAGAIN) || n == -Int(EINTR) || n == 0 { continue }
            guard n > 0 else { return }   // the socket was closed under us
            var replies: [[UInt8]] = []
            var destinations: [(UDPAddress, LocalAddress?)] = []
            for i in 0..<n {
                let datagram = receiveBatch.datagram(i)
                guard let reply = responder.respond(to: UnsafeRawBufferPointer(datagram.bytes), from: datagram.source) else { continue }
                replies.append(reply)
                destinations.append((datagram.source, datagram.destination))
            }
            let sent = send(replies, to: destinations, through: socket, batch: sendBatch)
            lock.withLock {
                $0.received += n
                $0.answered += sent
                $0.ignored += n - sent
            }
        }
    }

    /// Replies leave from the address the request was sent to, so multi-homed servers
    /// answer from the address the client knows.
    private func send(_ replies: [[UInt8]], to destinations: [(UDPAddress, LocalAddress?)], through socket: UDPSocket,
                      batch: UDPSendBatch) -> Int {
        guard !replies.isEmpty else { return 0 }
        let storage = replies.joined()
        return Array(storage).withUnsafeBytes { raw in
            batch.removeAll()
            var offset = 0
            for (reply, (destination, local)) in zip(replies, destinations) {
                batch.append(UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + reply.count)]), to: destination, from: local)
                offset += reply.count
            }
            defer { batch.removeAll() }
            return socket.send(batch).sent
        }
    }
}
