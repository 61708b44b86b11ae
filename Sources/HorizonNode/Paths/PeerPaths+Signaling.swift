import Foundation
import HorizonCore
import HorizonNAT
import HorizonUDP

extension PeerPaths {
    static let maximumSignalBackoff = Duration.seconds(10)

    /// A new session for the peer: the relay allocation if there is none yet (and a TURN
    /// relay is known), fresh credentials, our candidates; sent to the peer and checked
    /// against its latest session, if any.
    func startSession(_ id: String) async {
        guard links[id] != nil else { return }
        let relayed = await relayAllocation()?.allocation?.relayed
        guard var link = links[id] else { return }
        link.local = PeerLink.Session(id: String(UInt64.random(in: 0...UInt64.max), radix: 36), credentials: .random(),
                                      candidates: localCandidates(relayed: relayed))
        link.acknowledged = false
        link.nextSignal = .zero
        link.signalBackoff = .seconds(1)
        links[id] = link
        rebuildChecker(id)
        await sendSignal(id)
    }

    /// A checker for our current session and the peer's; the path in use stays until it picks one.
    func rebuildChecker(_ id: String) {
        guard let link = links[id], let local = link.local, let remote = link.remote else { return }
        let role: ICEChecker.Role = selfID < id ? .controlling : .controlled
        links[id]?.checker = try? ICEChecker(role: role, tieBreaker: .random(in: 0...UInt64.max), local: local.credentials,
                                             remote: remote.credentials, localCandidates: local.candidates,
                                             remoteCandidates: link.remoteCandidates, timing: options.checks, now: .now())
        permitRemoteAddresses(id)
        poll(id, now: .now())
    }

    func sendSignal(_ id: String) async {
        guard let link = links[id], let local = link.local else { return }
        let signal = PathSignal(session: local.id, credentials: local.credentials, candidates: local.candidates, seen: link.remote?.session)
        let now = MonotonicTime.now()
        links[id]?.nextSignal = now + link.signalBackoff
        links[id]?.signalBackoff = min(link.signalBackoff * 2, Self.maximumSignalBackoff)
        await signaling.send(SignalEnvelope(peer: id, signal: signal))
    }

    /// The broker keeps nothing: a session the peer has not confirmed is sent again, with backoff.
    func resendSignals(now: MonotonicTime) async {
        for (id, link) in links where !link.acknowledged && link.local != nil && now >= link.nextSignal {
            await sendSignal(id)
        }
    }

    /// A signal from a peer: a new session of theirs restarts the checks; one that does not
    /// name our current session gets ours back at once.
    func receive(_ envelope: SignalEnvelope) async {
        let signal = envelope.signal
        guard signal.type == PathSignal.currentType, !stopped else { return }
        guard let link = links[envelope.peer] else {
            early[envelope.peer] = signal
            return
        }
        let isNew = link.remote?.session != signal.session
        links[envelope.peer]?.remote = signal
        links[envelope.peer]?.acknowledged = link.local.map { signal.seen == $0.id } ?? false
        if isNew { rebuildChecker(envelope.peer) }
        if link.local != nil, signal.seen != link.local?.id || isNew { await sendSignal(envelope.peer) }
    }
}
