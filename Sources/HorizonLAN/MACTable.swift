import HorizonCore

/// Which member a MAC address was last seen behind, learned from the source addresses of
/// the frames members send. Entries age out when a MAC falls silent (`ageing`), so a
/// machine that moved to another member is found again by flooding; the table is bounded
/// (`capacity`) so a member forging source addresses cannot grow it without limit — when
/// full, the stalest entry makes room.
public struct MACTable<Member: Hashable & Sendable>: Sendable {
    public struct Entry: Sendable, Equatable {
        public var member: Member
        public var lastSeen: MonotonicTime
    }

    public let ageing: Duration
    public let capacity: Int
    private var entries: [MACAddress: Entry] = [:]

    public init(ageing: Duration = .seconds(300), capacity: Int = 8192) {
        precondition(capacity > 0, "a MAC table needs room for at least one entry")
        self.ageing = ageing
        self.capacity = capacity
    }

    public var count: Int { entries.count }

    /// Records that `mac` was just seen behind `member` (moving it there if it was elsewhere).
    public mutating func learn(_ mac: MACAddress, behind member: Member, at now: MonotonicTime) {
        if entries[mac] == nil, entries.count >= capacity { evictStalest(now: now) }
        entries[mac] = Entry(member: member, lastSeen: now)
    }

    /// The member `mac` is behind, unless it is unknown or has aged out.
    public mutating func member(for mac: MACAddress, at now: MonotonicTime) -> Member? {
        guard let entry = entries[mac] else { return nil }
        guard now.since(entry.lastSeen) < ageing else {
            entries[mac] = nil
            return nil
        }
        return entry.member
    }

    /// Forgets every address behind `member` (it left the network).
    public mutating func forget(_ member: Member) {
        entries = entries.filter { $0.value.member != member }
    }

    /// Drops aged entries if any, otherwise the least recently seen one.
    private mutating func evictStalest(now: MonotonicTime) {
        let aged = entries.filter { now.since($0.value.lastSeen) >= ageing }.map(\.key)
        if !aged.isEmpty {
            for mac in aged { entries[mac] = nil }
            return
        }
        if let stalest = entries.min(by: { $0.value.lastSeen < $1.value.lastSeen })?.key { entries[stalest] = nil }
    }
}
