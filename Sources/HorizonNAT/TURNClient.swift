import HorizonCore
import HorizonUDP

/// A TURN client (RFC 8656) over UDP, sans-IO: methods queue the datagrams to send to the
/// server (`takeOutgoing`), `receive` turns what the server sent into events, and `poll`
/// retransmits, times out and refreshes what is due. The caller owns the socket and the
/// clock (`nextDeadline` says when to call `poll` again).
///
/// Credentials are long-term: the first request goes without them, the 401 brings REALM
/// and NONCE, every later request carries USERNAME, REALM, NONCE and MESSAGE-INTEGRITY,
/// and a 438 (stale nonce) is retried with the new nonce. Success responses to
/// authenticated requests must carry a MESSAGE-INTEGRITY that verifies; others are ignored
/// as forged. The allocation, its permissions and channel bindings are refreshed before
/// they lapse.
public struct TURNClient: Sendable {
    public struct Timing: Hashable, Sendable {
        /// Permissions last 300 s (RFC 8656 §9); refreshed after this long.
        public var permissionRefresh: Duration = .seconds(240)
        /// Channel bindings last 600 s (§12); refreshed after this long.
        public var channelRefresh: Duration = .seconds(540)
        /// The allocation is refreshed this long before it would expire (at most half its lifetime).
        public var allocationRefreshMargin: Duration = .seconds(60)
        public var retransmission: STUNRetransmission = .rfc8489
        /// Stale-nonce (438) retries of one request.
        public var staleNonceRetries = 3

        public init() {}
    }

    struct PendingRequest: Sendable {
        var request: TURNRequest
        var transaction: STUNTransaction
        var authenticated: Bool
        var staleRetries: Int
    }

    private struct Authentication: Sendable {
        var realm: String
        var nonce: String
        var key: STUNIntegrityKey
    }

    public let server: UDPAddress
    public let credentials: TURNCredentials
    public var software: String?
    public let timing: Timing
    public private(set) var allocation: TURNAllocation?
    private var authentication: Authentication?
    private var pending: [PendingRequest] = []
    private var outgoing: [[UInt8]] = []
    private var allocationRefreshDue: MonotonicTime?
    private var permissionRefreshDue: [IPAddress: MonotonicTime] = [:]
    /// Channel numbers handed out (bound or being bound) and the peer of each.
    private var channels: [UInt16: UDPAddress] = [:]
    private var channelOfPeer: [UDPAddress: UInt16] = [:]
    /// Confirmed bindings and when each is refreshed.
    private var channelRefreshDue: [UInt16: MonotonicTime] = [:]

    public init(server: UDPAddress, credentials: TURNCredentials, software: String? = nil, timing: Timing = Timing()) {
        self.server = server
        self.credentials = credentials
        self.software = software
        self.timing = timing
    }

    // MARK: - Requests

    public mutating func allocate(now: MonotonicTime) { start(.allocate, now: now) }
    public mutating func refresh(now: MonotonicTime) { start(.refresh, now: now) }
    public mutating func release(now: MonotonicTime) { start(.release, now: now) }
    public mutating func createPermission(for peer: IPAddress, now: MonotonicTime) { start(.createPermission(peer), now: now) }

    /// Binds a channel to `peer` (the one it has, if any) and returns its number; nil when
    /// all are taken. Until the binding is confirmed, `wrap` uses Send indications.
    @discardableResult
    public mutating func bindChannel(to peer: UDPAddress, now: MonotonicTime) -> UInt16? {
        guard let channel = channelOfPeer[peer] ?? ChannelDataHeader.bindableChannels.first(where: { channels[$0] == nil }) else { return nil }
        channels[channel] = peer
        channelOfPeer[peer] = channel
        start(.channelBind(channel: channel, peer: peer), now: now)
        return channel
    }

    /// `data` for `peer`, framed for the server: ChannelData once a channel to the peer is
    /// bound (4 bytes of overhead), a Send indication before (36 bytes and more).
    public func wrap(_ data: [UInt8], to peer: UDPAddress) -> [UInt8] {
        if let channel = channelOfPeer[peer], channelRefreshDue[channel] != nil {
            return TURNChannelData.encode(channel: channel, data: data)
        }
        let indication = STUNMessage(type: STUNMessageType(method: .send, messageClass: .indication),
                                     attributes: [.xorPeerAddress(peer), .data(data)])
        return indication.encoded()
    }

    /// The channel bound to `peer`, once the server confirmed it.
    public func boundChannel(to peer: UDPAddress) -> UInt16? {
        channelOfPeer[peer].flatMap { channelRefreshDue[$0] != nil ? $0 : nil }
    }

    /// Datagrams to send to the server, oldest first; the queue is emptied.
    public mutating func takeOutgoing() -> [[UInt8]] {
        defer { outgoing.removeAll() }
        return outgoing
    }

    /// When `poll` has something to do next (nil: nothing until a call or a datagram).
    public var nextDeadline: MonotonicTime? {
        (pending.map(\.transaction.deadline) + Array(permissionRefreshDue.values) + Array(channelRefreshDue.values)
            + [allocationRefreshDue, allocation?.expires].compactMap { $0 }).min()
    }

    /// Sends `request` again as a new transaction (after a 401 or 438 changed the credentials).
    mutating func restart(_ request: TURNRequest, now: MonotonicTime, staleRetries: Int) {
        start(request, now: now, staleRetries: staleRetries)
    }

    private mutating func start(_ request: TURNRequest, now: MonotonicTime, staleRetries: Int = 0) {
        guard !pending.contains(where: { $0.request == request }) else { return }
        var message = STUNMessage(type: STUNMessageType(method: request.method, messageClass: .request),
                                  attributes: request.attributes)
        if let software { message.attributes.append(.software(software)) }
        if let authentication {
            message.attributes += [.username(credentials.username), .realm(authentication.realm), .nonce(authentication.nonce)]
        }
        let transaction = STUNTransaction(request: message, integrity: authentication?.key,
                                          policy: timing.retransmission, now: now)
        pending.append(PendingRequest(request: request, transaction: transaction, authenticated: authentication != nil,
                               staleRetries: staleRetries))
        outgoing.append(transaction.request)
    }

    // MARK: - Time

    /// Retransmits, gives up and refreshes whatever is due at `now`.
    public mutating func poll(now: MonotonicTime) -> [TURNEvent] {
        var events: [TURNEvent] = []
        var i = 0
        while i < pending.count {
            switch pending[i].transaction.step(now: now) {
            case .wait:
                i += 1
            case .retransmit:
                outgoing.append(pending[i].transaction.request)
                i += 1
            case .timedOut:
                let failed = pending.remove(at: i)
                events += fail(failed.request, .timedOut(server: server, request: failed.request))
            }
        }
        guard let allocation else { return events }
        if now >= allocation.expires {
            forgetEverything()
            return events + [.failed(.refresh, .allocationExpired(server: server))]
        }
        if let due = allocationRefreshDue, now >= due {
            allocationRefreshDue = nil
            start(.refresh, now: now)
        }
        for (ip, due) in permissionRefreshDue where now >= due {
            permissionRefreshDue[ip] = nil
            start(.createPermission(ip), now: now)
        }
        for (channel, due) in channelRefreshDue where now >= due {
            // The binding stays usable while it is being refreshed.
            channelRefreshDue[channel] = now + timing.channelRefresh
            if let peer = channels[channel] { start(.channelBind(channel: channel, peer: peer), now: now) }
        }
        return events
    }

    mutating func forgetEverything() {
        allocation = nil
        allocationRefreshDue = nil
        permissionRefreshDue = [:]
        channels = [:]
        channelOfPeer = [:]
        channelRefreshDue = [:]
        pending.removeAll()
    }

    mutating func fail(_ request: TURNRequest, _ error: TURNError) -> [TURNEvent] {
        if case .channelBind(let channel, let peer) = request, channelRefreshDue[channel] == nil {
            channels[channel] = nil
            channelOfPeer[peer] = nil
        }
        return [.failed(request, error)]
    }

    // MARK: - State the receiving side updates

    func pendingIndex(answeredBy received: STUNReceivedMessage) -> Int? {
        pending.firstIndex { $0.transaction.answers(received) }
    }

    func pendingIsAuthenticated(at index: Int) -> Bool { pending[index].authenticated }

    mutating func removePending(at index: Int) -> PendingRequest { pending.remove(at: index) }

    var authenticationKey: STUNIntegrityKey? { authentication?.key }
    var realmInUse: String? { authentication?.realm }

    mutating func authenticate(realm: String, nonce: String) throws(STUNCredentialError) {
        let key = authentication?.realm == realm ? authentication!.key
            : try STUNIntegrityKey.longTerm(username: credentials.username, realm: realm, password: credentials.password)
        authentication = Authentication(realm: realm, nonce: nonce, key: key)
    }

    func hasPermission(for ip: IPAddress) -> Bool { permissionRefreshDue[ip] != nil }

    func boundPeer(of channel: UInt16) -> UDPAddress? {
        channelRefreshDue[channel] != nil ? channels[channel] : nil
    }

    /// Records the allocation and schedules its refresh a margin before it expires.
    mutating func setAllocation(_ allocation: TURNAllocation, now: MonotonicTime) {
        self.allocation = allocation
        let margin = min(timing.allocationRefreshMargin, allocation.lifetime / 2)
        allocationRefreshDue = allocation.expires + (.zero - margin)
    }

    mutating func schedulePermissionRefresh(_ ip: IPAddress, now: MonotonicTime) {
        permissionRefreshDue[ip] = now + timing.permissionRefresh
    }

    mutating func confirmChannel(_ channel: UInt16, now: MonotonicTime) {
        channelRefreshDue[channel] = now + timing.channelRefresh
    }
}
