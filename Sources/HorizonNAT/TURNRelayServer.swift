import Foundation
import HorizonCore
import HorizonUDP
import Synchronization

/// `TURNServer` on UDP sockets: the listening socket and one relayed socket per allocation
/// (bound to `relayIP`, the address peers send to), a thread each. Meant for installs
/// without coturn and for tests; a relay for thousands of allocations would want one
/// poll loop instead of a thread per socket. Stops within ~100 ms of `stop()`.
///
/// Data on bound channels (what relayed WireGuard is) takes a fast path: per received
/// batch, one lock to look every datagram's route up, then one `sendmmsg` per destination
/// socket straight from the receive buffers (`TURNChannelForwarder`). Everything else —
/// requests, indications, data without a channel — goes through the core as outputs.
public final class TURNRelayServer: @unchecked Sendable {
    public let listenAddress: UDPAddress
    public let relayIP: IPAddress
    private let listener: UDPSocket
    private let core: Mutex<TURNServer>
    private let relays = Mutex<[UDPAddress: UDPSocket]>([:])
    private let stopping = Atomic<Bool>(false)
    private let threads = Mutex(0)
    private let finished = DispatchSemaphore(value: 0)
    private let sendLock = NSLock()
    private let sendBatch = UDPSendBatch(capacity: 1)

    /// - Parameter relayIP: the address relayed sockets bind to and advertise; defaults to the
    ///   listening address, which must then be a specific one (not 0.0.0.0 or ::).
    public init(listen: UDPAddress, relayIP: IPAddress? = nil, configuration: TURNServerConfiguration) throws {
        let relayIP = relayIP ?? listen.ip
        guard relayIP != .v4(IPv4Address(0)), relayIP != .v6(IPv6Address(high: 0, low: 0)) else {
            throw UDPError("the relay needs a specific address to relay on (listen on one, or give the relay address)", errno: EINVAL)
        }
        listener = try UDPSocket(family: listen.ip.isIPv4 ? .ipv4 : .ipv6, port: listen.port, address: listen.ip, bufferBytes: 4 << 20)
        listenAddress = UDPAddress(ip: listen.ip, port: listener.port)
        self.relayIP = relayIP
        core = Mutex(try TURNServer(configuration: configuration))
    }

    public func start() {
        spawn { [self] in serveClients() }
    }

    public var allocationCount: Int { core.withLock { $0.allocationCount } }

    /// Stops every thread and closes every socket.
    public func stop() {
        guard !stopping.exchange(true, ordering: .relaxed) else { return }
        for _ in 0..<threads.withLock({ $0 }) { finished.wait() }
        listener.close()
        for socket in relays.withLock({ $0.values }) { socket.close() }
    }

    private func spawn(_ body: @escaping @Sendable () -> Void) {
        threads.withLock { $0 += 1 }
        Thread { [self] in
            body()
            finished.signal()
        }.start()
    }

    private static let messageSlots = 32
    private static let datagramSlots = messageSlots * UDPReceiveBatch.maxSegmentsPerMessage

    /// Per datagram of a received batch: where its data goes on the fast path.
    private struct Route {
        var socket: UDPSocket
        var destination: UDPAddress
        /// 0: send the ChannelData's data as is (to a peer); else frame it on this channel (to a client).
        var channel: UInt16
        var data: Range<Int>
    }

    private func serveClients() {
        let batch = UDPReceiveBatch(messageSlots: Self.messageSlots, bufferSize: 65_536)
        let routes = UnsafeMutablePointer<Route?>.allocate(capacity: Self.datagramSlots)
        routes.initialize(repeating: nil, count: Self.datagramSlots)
        defer { routes.deinitialize(count: Self.datagramSlots).deallocate() }
        let forwarder = TURNChannelForwarder(capacity: Self.datagramSlots, arenaSize: 0)
        listener.setReceiveTimeout(milliseconds: 100)
        // Expiry needs no better than 100 ms: between polls, batches of channel data take one lock.
        var nextPoll = MonotonicTime.zero
        while !stopping.load(ordering: .relaxed) {
            let n = listener.receive(into: batch)
            let slow = routeChannelData(batch, count: max(n, 0), into: routes)
            forward(batch, count: max(n, 0), routes: routes, with: forwarder)
            let now = MonotonicTime.now()
            guard slow || now >= nextPoll else { continue }
            if now >= nextPoll { nextPoll = now + .milliseconds(100) }
            var opened: [UDPAddress] = []
            let outputs = core.withLock { core in
                var outputs: [TURNServerOutput] = []
                for i in 0..<max(n, 0) where slow && routes[i] == nil {
                    let datagram = batch.datagram(i)
                    outputs += core.receive(fromClient: Array(datagram.bytes), client: datagram.source, now: now) {
                        guard let address = openRelay() else { return nil }
                        opened.append(address)
                        return address
                    }
                }
                if let due = core.nextDeadline, due <= now { outputs += core.poll(now: now) }
                return outputs
            }
            for address in opened { spawn { [self] in servePeers(relayed: address) } }
            carryOut(outputs)
        }
    }

    private func openRelay() -> UDPAddress? {
        guard let socket = try? UDPSocket(family: relayIP.isIPv4 ? .ipv4 : .ipv6, address: relayIP, bufferBytes: 4 << 20) else { return nil }
        let address = UDPAddress(ip: relayIP, port: socket.port)
        relays.withLock { $0[address] = socket }
        return address
    }

    /// ChannelData from clients on live channels: routes set (the data, to the peer through
    /// the allocation's socket); true when some datagram needs the core (slow path).
    private func routeChannelData(_ batch: UDPReceiveBatch, count n: Int, into routes: UnsafeMutablePointer<Route?>) -> Bool {
        var slow = false
        core.withLock { core in
            let now = MonotonicTime.now()
            for i in 0..<n {
                routes[i] = nil
                let datagram = batch.datagram(i)
                guard let header = ChannelDataHeader(validating: UnsafeRawBufferPointer(datagram.bytes)),
                      let (relayed, peer) = core.channelRoute(client: datagram.source, channel: header.channel, now: now),
                      let socket = relays.withLock({ $0[relayed] }) else {
                    slow = true
                    continue
                }
                routes[i] = Route(socket: socket, destination: peer, channel: 0, data: header.data)
            }
        }
        return slow
    }

    /// Data from peers on bound channels: routes set (framed as ChannelData, to the client
    /// from the listening socket); true when some datagram needs the core.
    private func routePeerData(_ batch: UDPReceiveBatch, count n: Int, relayed: UDPAddress, into routes: UnsafeMutablePointer<Route?>) -> Bool {
        var slow = false
        core.withLock { core in
            let now = MonotonicTime.now()
            for i in 0..<n {
                let datagram = batch.datagram(i)
                guard datagram.bytes.count <= Int(UInt16.max),
                      let (client, channel) = core.peerRoute(peer: datagram.source, relayed: relayed, now: now) else {
                    routes[i] = nil
                    slow = true
                    continue
                }
                routes[i] = Route(socket: listener, destination: client, channel: channel, data: 0..<datagram.bytes.count)
            }
        }
        return slow
    }

    private func forward(_ batch: UDPReceiveBatch, count n: Int, routes: UnsafeMutablePointer<Route?>, with forwarder: TURNChannelForwarder) {
        for i in 0..<n {
            guard let route = routes[i] else { continue }
            let data = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(batch.datagram(i).bytes)[route.data])
            if route.channel == 0 {
                forwarder.queue(data, to: route.destination, through: route.socket)
            } else {
                forwarder.queue(data, channel: route.channel, to: route.destination, through: route.socket)
            }
        }
        forwarder.flush()
    }

    /// One relayed socket's thread; it ends when the allocation does (its socket is gone).
    private func servePeers(relayed: UDPAddress) {
        guard let socket = relays.withLock({ $0[relayed] }) else { return }
        let batch = UDPReceiveBatch(messageSlots: Self.messageSlots, bufferSize: 65_536)
        let routes = UnsafeMutablePointer<Route?>.allocate(capacity: Self.datagramSlots)
        routes.initialize(repeating: nil, count: Self.datagramSlots)
        defer { routes.deinitialize(count: Self.datagramSlots).deallocate() }
        // Framing copies each datagram behind its header: room for a whole receive batch.
        let forwarder = TURNChannelForwarder(capacity: Self.datagramSlots,
                                             arenaSize: Self.messageSlots * 65_536 + Self.datagramSlots * ChannelDataHeader.size)
        socket.setReceiveTimeout(milliseconds: 100)
        while !stopping.load(ordering: .relaxed), relays.withLock({ $0[relayed] != nil }) {
            let n = socket.receive(into: batch)
            guard n > 0 else { continue }
            let slow = routePeerData(batch, count: n, relayed: relayed, into: routes)
            forward(batch, count: n, routes: routes, with: forwarder)
            guard slow else { continue }
            let outputs = core.withLock { core in
                let now = MonotonicTime.now()
                return (0..<n).filter { routes[$0] == nil }.flatMap { i in
                    let datagram = batch.datagram(i)
                    return core.receive(fromPeer: Array(datagram.bytes), peer: datagram.source, relayed: relayed, now: now)
                }
            }
            carryOut(outputs)
        }
        if !stopping.load(ordering: .relaxed) { socket.close() }   // released; `stop()` closes the rest
    }

    private func carryOut(_ outputs: [TURNServerOutput]) {
        for output in outputs {
            switch output {
            case .toClient(let bytes, let client):
                send(bytes, to: client, through: listener)
            case .toPeer(let bytes, let relayed, let peer):
                if let socket = relays.withLock({ $0[relayed] }) { send(bytes, to: peer, through: socket) }
            case .released(let relayed):
                // Its thread sees the socket gone and closes it.
                relays.withLock { $0[relayed] = nil }
            }
        }
    }

    private func send(_ bytes: [UInt8], to destination: UDPAddress, through socket: UDPSocket) {
        sendLock.withLock {
            bytes.withUnsafeBytes { raw in
                sendBatch.removeAll()
                _ = sendBatch.append(raw, to: destination)
                _ = socket.send(sendBatch)
                sendBatch.removeAll()
            }
        }
    }
}
