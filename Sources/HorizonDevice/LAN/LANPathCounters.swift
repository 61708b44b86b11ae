/// What the device's LAN path did with Horizon frames, summed over all L2 networks (each
/// network's switch counts its own decisions, `LANNetworkStatus.switchCounters`).
public struct LANPathCounters: Sendable, Equatable {
    /// Frames read from TAPs, and the sealed copies handed to the tunnel after fan-out.
    public var framesRead: UInt64 = 0
    public var framesSent: UInt64 = 0
    /// Horizon frames that arrived through the tunnel, and those written to a TAP.
    public var framesReceived: UInt64 = 0
    public var framesDelivered: UInt64 = 0

    // Drops
    /// Shorter than the Horizon and Ethernet headers (or a padding count that says so).
    public var droppedShort: UInt64 = 0
    /// A Horizon type byte this version does not know.
    public var droppedUnknownType: UInt64 = 0
    /// A tag that names no network attached here.
    public var droppedUnknownTag: UInt64 = 0
    /// Refused by a network's switch (not a member, flood limit, loop, …; see its counters).
    public var droppedBySwitch: UInt64 = 0
    /// TAP reads too large for the buffers or shorter than an Ethernet header.
    public var droppedTAPMalformed: UInt64 = 0
    /// Writes to a TAP that failed.
    public var droppedTAPWrite: UInt64 = 0

    public init() {}

    mutating func add(_ d: LANPathCounters) {
        framesRead &+= d.framesRead; framesSent &+= d.framesSent
        framesReceived &+= d.framesReceived; framesDelivered &+= d.framesDelivered
        droppedShort &+= d.droppedShort; droppedUnknownType &+= d.droppedUnknownType
        droppedUnknownTag &+= d.droppedUnknownTag; droppedBySwitch &+= d.droppedBySwitch
        droppedTAPMalformed &+= d.droppedTAPMalformed; droppedTAPWrite &+= d.droppedTAPWrite
    }
}
