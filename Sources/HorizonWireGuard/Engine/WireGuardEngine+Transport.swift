import HorizonCore
import HorizonCrypto

/// What to do with a run of outgoing packets for one peer.
public enum SendDecision: Sendable {
    /// Seal them with this session and counters, and send them to the endpoint.
    case seal(SendGrant)
    /// No usable session: hand them to `stage` (a handshake will follow).
    case stage
    /// The peer has no endpoint (or was removed): nowhere to send them.
    case noEndpoint
}

public struct SendGrant: Sendable {
    public let keypair: Keypair
    /// Counters `firstCounter ..< firstCounter + packets` are reserved for the run.
    public let firstCounter: UInt64
    public let endpoint: PeerEndpoint
}

/// Transport data: the run-based calls of the packet path. A run is consecutive packets
/// of one peer in a batch; each call takes the peer's lock once for the whole run.
extension WireGuardEngine {
    /// Reserves what sending `packets` data packets (`bytes` on the wire in total) needs,
    /// and records the send for the timers and statistics.
    public func planSend(to peer: EnginePeer, packets: Int, bytes: Int, now: MonotonicTime) -> SendDecision {
        let (decision, wake) = peer.state.withLock { state -> (SendDecision, Bool) in
            guard !state.removed, let endpoint = state.endpoint else { return (.noEndpoint, false) }
            guard let keypair = state.sendingKeypair(at: now), let first = keypair.reserveCounters(packets) else {
                return (.stage, false)
            }
            state.txBytes &+= UInt64(bytes)
            state.timers.authenticatedPacketSent(at: now)
            let last = first + UInt64(packets) - 1
            if state.timers.dataSent(at: now, sendCounter: last).contains(.sendHandshakeInitiation) {
                state.wantsInitiation = true
            }
            return (.seal(SendGrant(keypair: keypair, firstCounter: first, endpoint: endpoint)), state.wantsInitiation)
        }
        if wake { requestService() }
        return decision
    }

    /// Copies `count` packets (`packet(i)` each) into the peer's staging queue to wait for
    /// a session, and asks for a handshake. Returns how many were refused (queue full).
    @discardableResult
    public func stage(to peer: EnginePeer, count: Int, now: MonotonicTime, packet: (Int) -> UnsafeRawBufferPointer) -> Int {
        let (refused, wake) = peer.state.withLock { state -> (Int, Bool) in
            guard !state.removed else { return (count, false) }
            var refused = 0
            for i in 0..<count where !state.staged.append(packet(i)) { refused += 1 }
            if state.sendingKeypair(at: now) != nil {
                // A session appeared since `planSend`: send them with it.
                state.wantsFlush = true
            } else if state.timers.sessionNeeded(at: now).contains(.sendHandshakeInitiation) {
                state.wantsInitiation = true
            }
            return (refused, state.hasServiceRequest)
        }
        if refused > 0 { self.count { $0.stagedDropped += UInt64(refused) } }
        if wake { requestService() }
        return refused
    }

    /// The live session a transport packet's receiver index names, or nil for an unknown
    /// index, a pending handshake's index, or an expired session.
    public func session(forIndex index: UInt32, now: MonotonicTime) -> (peer: EnginePeer, keypair: Keypair)? {
        guard case .session(let peer, let keypair)? = indices.withLock({ $0[index] }), !keypair.isExpired(at: now) else {
            return nil
        }
        return (peer, keypair)
    }

    /// Records a run of packets that authenticated under `keypair`: confirms a waiting
    /// session, follows the peer to `source` (roaming), feeds the timers and statistics.
    /// `dataPackets` counts those that were not keepalives.
    public func didReceive(on keypair: Keypair, from peer: EnginePeer, source: PeerEndpoint,
                           packets: Int, dataPackets: Int, bytes: Int, now: MonotonicTime) {
        let (confirmed, wake) = peer.state.withLock { state -> (Bool, Bool) in
            guard !state.removed else { return (false, false) }
            let (confirmed, retired) = state.keypairs.confirm(keypair)
            if confirmed {
                if let retired { indices.withLock { $0.release(retired.localIndex) } }
                state.timers.handshakeCompleted()
                state.lastHandshake = now
                if !state.staged.isEmpty { state.wantsFlush = true }
            }
            if state.endpoint != source { state.endpoint = source }
            state.rxBytes &+= UInt64(bytes)
            state.timers.authenticatedPacketReceived(at: now)
            if dataPackets > 0, state.timers.dataReceived(at: now).contains(.sendHandshakeInitiation) {
                state.wantsInitiation = true
            }
            return (confirmed, state.hasServiceRequest)
        }
        if confirmed { count { $0.handshakesCompleted += 1 } }
        if wake { requestService() }
    }

    /// Sends what waited for a session, or a keepalive if one was asked for and nothing
    /// waited (under the peer's lock). Without a session, a keepalive waits too and a
    /// handshake is asked for.
    func flush(_ state: inout PeerState, now: MonotonicTime) -> [OutgoingDatagram] {
        let keepalive = state.wantsKeepalive
        state.wantsFlush = false
        state.wantsKeepalive = false
        guard let keypair = state.sendingKeypair(at: now), let endpoint = state.endpoint else {
            if keepalive, state.staged.isEmpty { _ = state.staged.append(UnsafeRawBufferPointer(start: nil, count: 0)) }
            if !state.staged.isEmpty, state.timers.sessionNeeded(at: now).contains(.sendHandshakeInitiation) {
                state.wantsInitiation = true
            }
            return []
        }
        var out: [OutgoingDatagram] = []
        var dataSent = false
        let mtu = self.mtu
        func send(_ payload: UnsafeRawBufferPointer) {
            guard let bytes = keypair.sealDatagram(payload, paddedLength: TransportPadding.paddedLength(payload.count, mtu: mtu)) else { return }
            dataSent = dataSent || payload.count > 0
            state.txBytes &+= UInt64(bytes.count)
            out.append(OutgoingDatagram(bytes: bytes, endpoint: endpoint))
        }
        if state.staged.isEmpty {
            if keepalive {
                send(UnsafeRawBufferPointer(start: nil, count: 0))
                count { $0.keepalivesSent += 1 }
            }
        } else {
            state.staged.drain(send)
        }
        guard !out.isEmpty else { return [] }
        state.timers.authenticatedPacketSent(at: now)
        if dataSent, state.timers.dataSent(at: now, sendCounter: keypair.sendCounter &- 1).contains(.sendHandshakeInitiation) {
            state.wantsInitiation = true
        }
        return out
    }
}
