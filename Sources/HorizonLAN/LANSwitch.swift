import HorizonCore

/// The Ethernet switch of one node in a virtual LAN. Every member has a direct tunnel to
/// every other (a full mesh), so the switch has one local port (the node's TAP device) and
/// one port per member, and follows split horizon: a frame that came from a member is only
/// ever delivered locally, never passed on to another member — the sender already sent it
/// to everyone who should have it. That alone makes loops impossible; flood rate limits keep
/// one member's storm from starving the rest.
///
/// Sans-IO: it looks at a frame's header and says what to do with it; the caller moves the
/// bytes. Deciding allocates nothing, so it can sit on the packet path.
public struct LANSwitch<Member: Hashable & Sendable>: Sendable {
    /// Where a frame entered the switch.
    public enum Port: Hashable, Sendable {
        case local
        case member(Member)
    }

    public enum Action: Equatable, Sendable {
        /// Write the frame to the local TAP device.
        case deliverLocally
        /// Send the frame through the tunnel to this member only.
        case send(to: Member)
        /// Send the frame once to every member in `members`.
        case flood
        case drop(LANDropReason)
    }

    /// Members in the order they joined: the order frames are flooded in.
    public private(set) var members: [Member] = []
    private var memberSet: Set<Member> = []
    public private(set) var counters = LANSwitchCounters()
    private var table: MACTable<Port>
    private var limiter: FloodRateLimiter<Port>

    public init(table: MACTable<Port> = MACTable(), limiter: FloodRateLimiter<Port> = FloodRateLimiter()) {
        self.table = table
        self.limiter = limiter
    }

    public mutating func join(_ member: Member) {
        guard memberSet.insert(member).inserted else { return }
        members.append(member)
    }

    /// Removes the member and everything learned about it.
    public mutating func leave(_ member: Member) {
        guard memberSet.remove(member) != nil else { return }
        members.removeAll { $0 == member }
        table.forget(.member(member))
        limiter.forget(.member(member))
    }

    /// Counts `times` more frames from `port` that got `action` without being offered to
    /// `forward`: a caller that knows they would be decided exactly as one it just offered
    /// (same addresses, same port, same moment) keeps the counters whole this way.
    public mutating func countRepeated(_ times: UInt64, of action: Action, from port: Port) {
        counters.count(action, from: port, times: times)
    }

    /// Decides what to do with `frame`, which entered through `port`.
    public mutating func forward(frame: UnsafeRawBufferPointer, from port: Port, at now: MonotonicTime) -> Action {
        let action = decide(frame: frame, from: port, at: now)
        counters.count(action, from: port)
        return action
    }

    private mutating func decide(frame: UnsafeRawBufferPointer, from port: Port, at now: MonotonicTime) -> Action {
        guard let header = EthernetHeader(frame: frame) else { return .drop(.malformed) }
        guard header.source.isUnicast else { return .drop(.multicastSource) }
        if case .member(let member) = port {
            guard memberSet.contains(member) else { return .drop(.notAMember) }
            if table.member(for: header.source, at: now) == .local { return .drop(.loopedBack) }
        }
        table.learn(header.source, behind: port, at: now)

        let destination = header.destination.isUnicast ? table.member(for: header.destination, at: now) : nil
        switch (port, destination) {
        case (.local, .member(let member)?):
            return .send(to: member)
        case (.local, .local?), (.member, .member?):
            return .drop(.notForThisPort)
        case (.local, nil):
            return limiter.allow(port, at: now) ? .flood : .drop(.floodRateLimited)
        case (.member, .local?):
            return .deliverLocally
        case (.member, nil):
            // Broadcast, multicast or unknown unicast from a member: ours to take, once.
            guard header.destination.isUnicast || limiter.allow(port, at: now) else { return .drop(.floodRateLimited) }
            return .deliverLocally
        }
    }
}

/// Why the switch dropped a frame.
public enum LANDropReason: Int, Equatable, Sendable, CaseIterable {
    /// Shorter than an Ethernet header.
    case malformed
    /// A group address as source is invalid on Ethernet.
    case multicastSource
    /// The frame's source is a MAC of this node: our own frame came back (a loop).
    case loopedBack
    /// The sender exceeded its flood rate.
    case floodRateLimited
    /// From a peer that is not (or no longer) a member of this network.
    case notAMember
    /// A unicast frame for a MAC known to be behind another member (a flooded frame
    /// that is not ours), or for a local MAC arriving from the local port.
    case notForThisPort
}

/// What the switch did, by kind, for `horizon lan` status and metrics.
public struct LANSwitchCounters: Equatable, Sendable {
    public var fromLocal: UInt64 = 0
    public var fromMembers: UInt64 = 0
    public var deliveredLocally: UInt64 = 0
    public var unicastSent: UInt64 = 0
    public var flooded: UInt64 = 0
    /// Indexed by `LANDropReason.rawValue`; sized once, so counting never allocates.
    private var drops = [UInt64](repeating: 0, count: LANDropReason.allCases.count)

    public init() {}

    public func dropped(_ reason: LANDropReason) -> UInt64 { drops[reason.rawValue] }

    public var totalDropped: UInt64 { drops.reduce(0, +) }

    mutating func count<Member>(_ action: LANSwitch<Member>.Action, from port: LANSwitch<Member>.Port, times: UInt64 = 1) {
        if case .local = port { fromLocal += times } else { fromMembers += times }
        switch action {
        case .deliverLocally: deliveredLocally += times
        case .send: unicastSent += times
        case .flood: flooded += times
        case .drop(let reason): drops[reason.rawValue] += times
        }
    }
}
