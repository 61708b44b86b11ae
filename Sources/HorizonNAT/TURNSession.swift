import Foundation
import HorizonCore
import HorizonUDP

/// `TURNClient` with a thread that retransmits and refreshes: the blocking calls below send a
/// request and wait for its answer. Sending data never blocks on the server. The thread holds
/// the session until `close()`. Two ways to reach the server:
///
/// - a socket of its own, which the thread also receives on (data from peers goes to
///   `onData` on that thread);
/// - a socket someone else owns (a WireGuard device's, so the allocation is on the 5-tuple
///   WireGuard uses and the device can send ChannelData itself): `send` puts datagrams on
///   it, and its owner hands what the server sends to `receive(fromServer:)`, on whose
///   thread `onData` then runs.
public final class TURNSession: @unchecked Sendable {
    /// The session's own socket; nil when it sends through its owner's.
    public let socket: UDPSocket?
    private let sendThroughOwner: (@Sendable ([UInt8]) -> Bool)?
    public var server: UDPAddress { serverAddress }
    private let serverAddress: UDPAddress
    private let condition = NSCondition()
    private var client: TURNClient
    /// Recent events other than data, in arrival order, for the blocking calls to find their
    /// answer in; `droppedEvents` older ones were let go (positions count from the first ever).
    private var events: [TURNEvent] = []
    private var droppedEvents = 0
    private static let keptEvents = 256
    private var onData: @Sendable (UDPAddress, [UInt8]) -> Void = { _, _ in }
    private var stopping = false
    private let stopped = DispatchSemaphore(value: 0)
    private let sendBatch = UDPSendBatch(capacity: 64)

    /// Opens a socket of the server's family (bound to `localAddress`, default any) and
    /// starts the session's thread. `onData` receives peers' data on that thread.
    public init(server: UDPAddress, credentials: TURNCredentials, localAddress: IPAddress? = nil,
                timing: TURNClient.Timing = TURNClient.Timing(), software: String? = "Horizon \(HorizonVersion.current)",
                onData: @escaping @Sendable (UDPAddress, [UInt8]) -> Void) throws(UDPError) {
        let socket = try UDPSocket(family: server.ip.isIPv4 ? .ipv4 : .ipv6, address: localAddress, bufferBytes: 4 << 20)
        socket.setReceiveTimeout(milliseconds: 20)
        self.socket = socket
        sendThroughOwner = nil
        serverAddress = server
        client = TURNClient(server: server, credentials: credentials, software: software, timing: timing)
        self.onData = onData
        startThread()
    }

    /// A session on its owner's socket: `send` sends one datagram to the server from it
    /// (false when refused); feed the server's datagrams to `receive(fromServer:)`.
    public init(server: UDPAddress, credentials: TURNCredentials, timing: TURNClient.Timing = TURNClient.Timing(),
                software: String? = "Horizon \(HorizonVersion.current)", sending send: @escaping @Sendable ([UInt8]) -> Bool,
                onData: @escaping @Sendable (UDPAddress, [UInt8]) -> Void) {
        socket = nil
        sendThroughOwner = send
        serverAddress = server
        client = TURNClient(server: server, credentials: credentials, software: software, timing: timing)
        self.onData = onData
        startThread()
    }

    private func startThread() {
        Thread { [self] in
            run()
            stopped.signal()
        }.start()
    }

    /// Stops the thread and closes the socket (without releasing the allocation: call
    /// `release` first for that). Requests waiting for an answer fail with `.closed`. Once
    /// this returns the session sends nothing more, so an owner's socket can close after it.
    public func close() {
        let first = condition.withLock {
            defer { stopping = true }
            condition.broadcast()
            return !stopping
        }
        guard first else { return }
        stopped.wait()
        // Waits out a send in progress on another thread; later ones see `closed`.
        sendLock.withLock { closed = true }
        socket?.close()
    }

    public var allocation: TURNAllocation? { condition.withLock { client.allocation } }

    // MARK: - Requests

    @discardableResult
    public func allocate(timeout: Duration = .seconds(10)) throws(TURNError) -> TURNAllocation {
        let event = try perform(.allocate, timeout: timeout) { $0.allocate(now: $1) }
        guard case .allocated(let allocation) = event else { throw .notAllocated(server: serverAddress) }
        return allocation
    }

    /// Extends the allocation now and returns its new lifetime (the session also does
    /// this by itself before the lifetime ends).
    @discardableResult
    public func refresh(timeout: Duration = .seconds(10)) throws(TURNError) -> Duration {
        try requireAllocation()
        guard case .refreshed(let lifetime) = try perform(.refresh, timeout: timeout, { $0.refresh(now: $1) }) else { return .zero }
        return lifetime
    }

    /// Ends the allocation (Refresh with lifetime 0).
    public func release(timeout: Duration = .seconds(10)) throws(TURNError) {
        try requireAllocation()
        _ = try perform(.release, timeout: timeout) { $0.release(now: $1) }
    }

    public func createPermission(for peer: IPAddress, timeout: Duration = .seconds(10)) throws(TURNError) {
        try requireAllocation()
        _ = try perform(.createPermission(peer), timeout: timeout) { $0.createPermission(for: peer, now: $1) }
    }

    /// Binds a channel to `peer` (installing its permission) and returns the number.
    @discardableResult
    public func bindChannel(to peer: UDPAddress, timeout: Duration = .seconds(10)) throws(TURNError) -> UInt16 {
        try requireAllocation()
        let (start, channel) = condition.withLock {
            let start = droppedEvents + events.count
            let channel = client.bindChannel(to: peer, now: .now())
            flush()
            return (start, channel)
        }
        guard let channel else { throw .channelsExhausted(server: serverAddress) }
        _ = try wait(for: .channelBind(channel: channel, peer: peer), after: start, timeout: timeout)
        return channel
    }

    /// Sends `data` to `peer` through the relay (ChannelData once a channel is bound).
    /// False when the socket refused it; the relay drops data for peers without permission.
    @discardableResult
    public func send(_ data: [UInt8], to peer: UDPAddress) -> Bool {
        send([data], to: peer) == 1
    }

    /// Sends several datagrams to `peer` in as few system calls as the socket allows (one
    /// sendmmsg, segmented when they are of equal size); how many were sent.
    @discardableResult
    public func send(_ datagrams: [[UInt8]], to peer: UDPAddress) -> Int {
        let framed = condition.withLock { datagrams.map { client.wrap($0, to: peer) } }
        return sendToServer(framed)
    }

    // MARK: - Waiting for answers

    private func requireAllocation() throws(TURNError) {
        guard allocation != nil else { throw .notAllocated(server: serverAddress) }
    }

    private func perform(_ request: TURNRequest, timeout: Duration,
                         _ call: (inout TURNClient, MonotonicTime) -> Void) throws(TURNError) -> TURNEvent {
        let start = condition.withLock {
            let start = droppedEvents + events.count
            call(&client, .now())
            flush()
            return start
        }
        return try wait(for: request, after: start, timeout: timeout)
    }

    /// The first event answering `request` among those arriving after index `start`.
    private func wait(for request: TURNRequest, after start: Int, timeout: Duration) throws(TURNError) -> TURNEvent {
        let deadline = Date(timeIntervalSinceNow: Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18)
        condition.lock()
        defer { condition.unlock() }
        var seen = start
        while true {
            seen = max(seen, droppedEvents)
            while seen < droppedEvents + events.count {
                let event = events[seen - droppedEvents]
                seen += 1
                if case .failed(let failed, let error) = event, failed == request { throw error }
                if Self.event(event, answers: request) { return event }
            }
            guard !stopping else { throw .closed(server: serverAddress) }
            guard condition.wait(until: deadline) || seen < droppedEvents + events.count else { throw .timedOut(server: serverAddress, request: request) }
        }
    }

    private static func event(_ event: TURNEvent, answers request: TURNRequest) -> Bool {
        switch (event, request) {
        case (.allocated, .allocate), (.refreshed, .refresh), (.released, .release): true
        case (.permissionCreated(let ip), .createPermission(let wanted)): ip == wanted
        case (.channelBound(let channel, _), .channelBind(let wanted, _)): channel == wanted
        default: false
        }
    }

    // MARK: - The session's thread

    /// Receives (on its own socket) or waits 20 ms (on its owner's), then runs the timers.
    private func run() {
        let batch = socket.map { _ in UDPReceiveBatch(messageSlots: 32, bufferSize: 65_536) }
        while !condition.withLock({ stopping }) {
            var received: [[UInt8]] = []
            if let socket, let batch {
                let n = socket.receive(into: batch)
                for i in 0..<max(n, 0) where batch.datagram(i).source == serverAddress { received.append(Array(batch.datagram(i).bytes)) }
            } else {
                Thread.sleep(forTimeInterval: 0.02)
            }
            process(received)
        }
    }

    /// A datagram the server sent to the owner's socket (sessions on their owner's socket).
    public func receive(fromServer bytes: [UInt8]) {
        process([bytes])
    }

    /// Datagrams from the server, then the timers: answers wake the blocking calls, peers'
    /// data goes to `onData` on this thread.
    private func process(_ received: [[UInt8]]) {
        var data: [(UDPAddress, [UInt8])] = []
        condition.withLock {
            let now = MonotonicTime.now()
            var fresh: [TURNEvent] = []
            for bytes in received { fresh += client.receive(bytes, now: now) }
            if let due = client.nextDeadline, due <= now { fresh += client.poll(now: now) }
            flush()
            for event in fresh {
                if case .data(let peer, let bytes) = event { data.append((peer, bytes)) } else { events.append(event) }
            }
            if events.count > Self.keptEvents {
                droppedEvents += events.count - Self.keptEvents / 2
                events.removeFirst(events.count - Self.keptEvents / 2)
            }
            if fresh.count > data.count { condition.broadcast() }
        }
        for (peer, bytes) in data { onData(peer, bytes) }
    }

    /// Sends what the client queued; called with the lock held.
    private func flush() {
        let outgoing = client.takeOutgoing()
        if !outgoing.isEmpty { _ = sendToServer(outgoing) }
    }

    private let sendLock = NSLock()
    /// Set by `close()` under `sendLock`: nothing is sent after.
    private var closed = false

    /// One sendmmsg per `sendBatch.capacity` datagrams: the batch points into one contiguous
    /// copy of them, valid until the send returns.
    private func sendToServer(_ datagrams: [[UInt8]]) -> Int {
        sendLock.withLock {
            guard !closed else { return 0 }
            if let sendThroughOwner { return datagrams.reduce(0) { $0 + (sendThroughOwner($1) ? 1 : 0) } }
            guard let socket else { return 0 }
            var sent = 0
            var start = 0
            while start < datagrams.count {
                let chunk = datagrams[start..<min(start + sendBatch.capacity, datagrams.count)]
                let storage = Array(chunk.joined())
                sent += storage.withUnsafeBytes { raw in
                    sendBatch.removeAll()
                    defer { sendBatch.removeAll() }
                    var offset = 0
                    for datagram in chunk {
                        sendBatch.append(UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + datagram.count)]), to: serverAddress)
                        offset += datagram.count
                    }
                    return socket.send(sendBatch).sent
                }
                start += chunk.count
            }
            return sent
        }
    }
}
