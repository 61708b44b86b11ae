import HorizonWireGuard

/// What a device did, for `horizon status` and metrics. Transport counters are summed per
/// batch by the packet threads; drops say why a packet went nowhere.
public struct DeviceCounters: Sendable, Equatable {
    /// Transport datagrams sent to peers (keepalives and staged packets included) and
    /// their bytes on the wire.
    public var txPackets: UInt64 = 0
    public var txBytes: UInt64 = 0
    /// Authenticated transport datagrams received and their bytes on the wire.
    public var rxPackets: UInt64 = 0
    public var rxBytes: UInt64 = 0
    public var keepalivesReceived: UInt64 = 0

    // Batching: how much each syscall carried (packets per batch is what offloads buy).
    /// TUN read batches processed, and the superpackets (TSO/USO) among the reads.
    public var tunReadBatches: UInt64 = 0
    public var tunSuperpacketsRead: UInt64 = 0
    /// TUN writes made (each a packet or a coalesced superpacket).
    public var tunWrites: UInt64 = 0
    /// `sendmmsg` calls and the messages they carried (a GSO message holds many datagrams).
    public var udpSendCalls: UInt64 = 0
    public var udpSendMessages: UInt64 = 0
    /// `recvmmsg` calls and the messages they returned (a GRO message holds many datagrams).
    public var udpReceiveCalls: UInt64 = 0
    public var udpReceiveMessages: UInt64 = 0

    // Outgoing drops
    /// No peer's allowed IPs contain the destination.
    public var droppedNoRoute: UInt64 = 0
    /// The peer has no endpoint to send to.
    public var droppedNoEndpoint: UInt64 = 0
    /// The UDP send failed (no route to the peer, buffer full, message too big).
    public var droppedSendFailed: UInt64 = 0
    /// The TUN handed us something we could not parse or split.
    public var droppedTUNMalformed: UInt64 = 0

    // Incoming drops
    /// A transport packet whose tag did not verify ("bad MAC").
    public var droppedBadMAC: UInt64 = 0
    /// A transport packet whose counter was already seen or fell behind the window.
    public var droppedReplay: UInt64 = 0
    /// A transport packet for an unknown receiver index or an expired session ("no key").
    public var droppedNoKey: UInt64 = 0
    /// A decrypted packet whose source address is not among the peer's allowed IPs.
    public var droppedSourceNotAllowed: UInt64 = 0
    /// A decrypted packet that is not a well-formed IPv4/IPv6 packet.
    public var droppedInvalidPacket: UInt64 = 0
    /// A datagram that is no WireGuard message (unknown type, wrong size).
    public var droppedMalformed: UInt64 = 0
    /// Handshake messages dropped because the handshake queue was full.
    public var droppedHandshakeQueueFull: UInt64 = 0
    /// Writes to the TUN that failed.
    public var droppedTUNWrite: UInt64 = 0

    /// Horizon frames of the L2 networks (LAN emulation).
    public var lan = LANPathCounters()

    /// Handshakes, cookies and staging, as the engine counted them.
    public var engine = EngineCounters()

    public init() {}

    /// Adds another set of deltas (the engine part is set, not added: it is a total).
    mutating func add(_ d: DeviceCounters) {
        txPackets &+= d.txPackets; txBytes &+= d.txBytes
        rxPackets &+= d.rxPackets; rxBytes &+= d.rxBytes
        keepalivesReceived &+= d.keepalivesReceived
        tunReadBatches &+= d.tunReadBatches; tunSuperpacketsRead &+= d.tunSuperpacketsRead; tunWrites &+= d.tunWrites
        udpSendCalls &+= d.udpSendCalls; udpSendMessages &+= d.udpSendMessages
        udpReceiveCalls &+= d.udpReceiveCalls; udpReceiveMessages &+= d.udpReceiveMessages
        droppedNoRoute &+= d.droppedNoRoute; droppedNoEndpoint &+= d.droppedNoEndpoint
        droppedSendFailed &+= d.droppedSendFailed; droppedTUNMalformed &+= d.droppedTUNMalformed
        droppedBadMAC &+= d.droppedBadMAC; droppedReplay &+= d.droppedReplay; droppedNoKey &+= d.droppedNoKey
        droppedSourceNotAllowed &+= d.droppedSourceNotAllowed; droppedInvalidPacket &+= d.droppedInvalidPacket
        droppedMalformed &+= d.droppedMalformed; droppedHandshakeQueueFull &+= d.droppedHandshakeQueueFull
        droppedTUNWrite &+= d.droppedTUNWrite
        lan.add(d.lan)
    }
}
