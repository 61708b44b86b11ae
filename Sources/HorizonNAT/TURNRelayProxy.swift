import Foundation
import HorizonCore
import HorizonUDP
import Synchronization

/// Runs one WireGuard peer through a TURN relay without the device knowing: the peer's
/// endpoint in the device is this proxy's loopback socket, and what arrives there goes to
/// the relay over a channel bound to the peer's address, and back. The relay only ever
/// carries the datagrams WireGuard already encrypted.
///
/// The device's own address is learnt from the first datagram it sends to the proxy (or
/// given), so data the peer sends before that is dropped and counted. Call `close()` when
/// done: the proxy's threads hold it until then.
public final class TURNRelayProxy: @unchecked Sendable {
    public struct Counters: Equatable, Sendable {
        /// Datagrams from the device sent on to the relay, and from the relay to the device.
        public var toRelay: UInt64 = 0
        public var toDevice: UInt64 = 0
        /// Relay data dropped: from another peer than ours, or before the device spoke.
        public var dropped: UInt64 = 0
    }

    public let session: TURNSession
    private let local: LocalSide
    private let stopping = Atomic<Bool>(false)
    private let stopped = DispatchSemaphore(value: 0)
    private var forwarding = false

    /// - Parameters:
    ///   - listen: the proxy's socket, which the device's peer endpoint is set to.
    ///   - device: the device's UDP address, if known (else learnt, see above).
    public init(server: UDPAddress, credentials: TURNCredentials,
                listen: UDPAddress = UDPAddress(ip: .v4(IPv4Address(127, 0, 0, 1)), port: 0), device: UDPAddress? = nil,
                timing: TURNClient.Timing = TURNClient.Timing()) throws(UDPError) {
        let local = try LocalSide(listen: listen, device: device)
        self.local = local
        session = try TURNSession(server: server, credentials: credentials, timing: timing) { source, data in
            if DatagramKind.classify(data) == .stun, let handler = local.checkHandler.withLock({ $0 }) {
                return handler(source, data)
            }
            guard source == local.peer.withLock({ $0 }) else {
                local.count { $0.dropped &+= 1 }
                return
            }
            local.deliver(data)
        }
    }

    /// STUN arriving through the relay (connectivity checks on the relayed path) goes to
    /// `handler` instead of the device; send the answers with `session.send`. Nil: to the device.
    public func setCheckHandler(_ handler: (@Sendable (UDPAddress, [UInt8]) -> Void)?) {
        local.checkHandler.withLock { $0 = handler }
    }

    /// Where the device's peer endpoint must point.
    public var endpoint: UDPAddress { local.address }

    public var counters: Counters { local.counters.withLock { $0 } }

    /// Allocates on the relay; the relayed address is what the far peer sends to.
    @discardableResult
    public func allocate(timeout: Duration = .seconds(10)) throws(TURNError) -> TURNAllocation {
        try session.allocate(timeout: timeout)
    }

    /// Binds a channel to `peer` (its address as the relay reaches it) and starts forwarding.
    /// Calling it again moves the proxy to another peer address.
    public func connect(to peer: UDPAddress, timeout: Duration = .seconds(10)) throws(TURNError) {
        try session.bindChannel(to: peer, timeout: timeout)
        local.peer.withLock { $0 = peer }
        guard !forwarding else { return }
        forwarding = true
        Thread { [self] in
            forwardFromDevice()
            stopped.signal()
        }.start()
    }

    /// Stops forwarding, releases the allocation (best effort) and closes both sockets.
    public func close() {
        guard !stopping.exchange(true, ordering: .relaxed) else { return }
        if forwarding { stopped.wait() }
        if session.allocation != nil { try? session.release(timeout: .seconds(1)) }
        session.close()
        local.socket.close()
    }

    private func forwardFromDevice() {
        let batch = UDPReceiveBatch(messageSlots: 32, bufferSize: 65_536)
        local.socket.setReceiveTimeout(milliseconds: 100)
        while !stopping.load(ordering: .relaxed) {
            let n = local.socket.receive(into: batch)
            guard n > 0, let peer = local.peer.withLock({ $0 }) else { continue }
            var datagrams: [[UInt8]] = []
            datagrams.reserveCapacity(n)
            for i in 0..<n {
                let datagram = batch.datagram(i)
                local.learnDevice(datagram.source)
                datagrams.append(Array(datagram.bytes))
            }
            // One batch in, one batch out: the relayed path's throughput is its system calls.
            let sent = UInt64(session.send(datagrams, to: peer))
            local.count { $0.toRelay &+= sent }
        }
    }
}

/// The proxy's loopback socket and what it knows of the device behind it.
private final class LocalSide: Sendable {
    let socket: UDPSocket
    let address: UDPAddress
    let counters = Mutex(TURNRelayProxy.Counters())
    /// The far peer, once `connect` bound a channel to it.
    let peer = Mutex<UDPAddress?>(nil)
    let checkHandler = Mutex<(@Sendable (UDPAddress, [UInt8]) -> Void)?>(nil)
    private let device: Mutex<UDPAddress?>
    /// Only the session's thread delivers to the device, so one batch serves.
    private let sendBatch = Mutex(UDPSendBatch(capacity: 1))

    init(listen: UDPAddress, device: UDPAddress?) throws(UDPError) {
        socket = try UDPSocket(family: listen.ip.isIPv4 ? .ipv4 : .ipv6, port: listen.port, address: listen.ip, bufferBytes: 4 << 20)
        address = UDPAddress(ip: listen.ip, port: socket.port)
        self.device = Mutex(device)
    }

    func learnDevice(_ source: UDPAddress) {
        device.withLock { if $0 != source { $0 = source } }
    }

    func count(_ change: (inout TURNRelayProxy.Counters) -> Void) {
        counters.withLock { change(&$0) }
    }

    func deliver(_ data: [UInt8]) {
        guard let destination = device.withLock({ $0 }) else {
            count { $0.dropped &+= 1 }
            return
        }
        let sent = sendBatch.withLock { batch in
            defer { batch.removeAll() }
            return data.withUnsafeBytes { raw in
                batch.append(raw, to: destination)
                return socket.send(batch).sent
            }
        }
        count { sent == 1 ? ($0.toDevice &+= 1) : ($0.dropped &+= 1) }
    }
}
