import HorizonCore
import HorizonCrypto

/// Handshake messages in (types 1-3) and our initiations out.
extension WireGuardEngine {
    /// Processes a received handshake initiation, response or cookie reply and returns
    /// what to send back (a response, a cookie reply, or after a completed handshake the
    /// staged packets or a keepalive). Unauthenticated or failed messages are counted and
    /// get no answer, except the cookie reply the protocol asks for under load.
    ///
    /// - Parameters:
    ///   - source: who sent it, with our address it was sent to.
    ///   - backlog: handshake messages still waiting behind this one; decides load.
    public func receiveHandshake(_ datagram: UnsafeRawBufferPointer, from source: PeerEndpoint, backlog: Int = 0,
                                 now: MonotonicTime) -> [OutgoingDatagram] {
        switch MessageType(datagram: datagram) {
        case .handshakeInitiation?, .handshakeResponse?:
            return receiveMACProtected(datagram, from: source, backlog: backlog, now: now)
        case .cookieReply?:
            receiveCookieReply(datagram, now: now)
            return []
        case .transportData?, nil:
            count { $0.invalidHandshakeMessages += 1 }
            return []
        }
    }

    private func receiveMACProtected(_ datagram: UnsafeRawBufferPointer, from source: PeerEndpoint, backlog: Int,
                                     now: MonotonicTime) -> [OutgoingDatagram] {
        let cookieSource = source.cookieSource
        let (verdict, local, cookieReply) = identity.withLock { device -> (CookieChecker.Verdict, StaticIdentity?, CookieReply?) in
            guard var current = device else { return (.invalidMAC1, nil, nil) }
            let underLoad = current.load.isUnderLoad(backlog: backlog, now: now)
            let verdict = current.checker.verify(datagram, source: cookieSource, underLoad: underLoad, now: now)
            var reply: CookieReply?
            if verdict == .cookieRequired {
                var generator = random
                reply = current.checker.makeCookieReply(to: datagram, source: cookieSource, now: now, using: &generator)
            }
            device = current
            return (verdict, current.identity, reply)
        }
        switch verdict {
        case .invalidMAC1:
            count { $0.invalidHandshakeMessages += 1 }
            return []
        case .cookieRequired:
            guard let cookieReply else { return [] }
            count { $0.cookieRepliesSent += 1 }
            return [OutgoingDatagram(bytes: cookieReply.serialized(), endpoint: source)]
        case .accept:
            guard let local else { return [] }
            if let initiation = HandshakeInitiation(datagram) {
                return receiveInitiation(initiation, identity: local, from: source, now: now)
            }
            if let response = HandshakeResponse(datagram) {
                return receiveResponse(response, from: source, now: now)
            }
            count { $0.invalidHandshakeMessages += 1 }
            return []
        }
    }

    /// Responder: answer, and keep the new session waiting in `next` for confirmation.
    private func receiveInitiation(_ initiation: HandshakeInitiation, identity local: StaticIdentity, from source: PeerEndpoint,
                                   now: MonotonicTime) -> [OutgoingDatagram] {
        guard case .success(let received) = local.openInitiation(initiation),
              let peer = peer(for: received.initiatorStatic)
        else { return failed() }
        let answer = peer.state.withLock { state -> OutgoingDatagram? in
            guard !state.removed, state.handshake != nil else { return nil }
            let index = indices.withLock { $0.allocate(for: peer, using: random) }
            var generator = random
            let ephemeral = X25519.generatePrivateKey(using: &generator)
            guard case .success(let (response, keys))? = state.handshake?.respond(
                to: received, localIndex: index, ephemeral: ephemeral, now: now)
            else {
                indices.withLock { $0.release(index) }
                return nil
            }
            let keypair = Keypair(keys: keys, createdAt: now)
            let retired = state.keypairs.installAsResponder(keypair)
            install(keypair, for: peer, retiring: retired)
            state.endpoint = source
            state.timers.sessionDerived(at: now, isInitiator: false)
            state.timers.authenticatedPacketReceived(at: now)
            state.timers.authenticatedPacketSent(at: now)
            return OutgoingDatagram(bytes: response.serialized(), endpoint: source)
        }
        guard let answer else { return failed() }
        count { $0.responsesSent += 1 }
        return [answer]
    }

    /// Initiator: the session is usable at once; send what waited, or a keepalive so the
    /// responder can confirm it.
    private func receiveResponse(_ response: HandshakeResponse, from source: PeerEndpoint, now: MonotonicTime) -> [OutgoingDatagram] {
        guard case .handshake(let peer)? = indices.withLock({ $0[response.receiverIndex] }) else { return failed() }
        let sent = peer.state.withLock { state -> [OutgoingDatagram]? in
            guard state.pendingIndex == response.receiverIndex,
                  case .success(let keys)? = state.handshake?.consumeResponse(response)
            else { return nil }
            state.pendingIndex = nil
            let keypair = Keypair(keys: keys, createdAt: now)
            install(keypair, for: peer, retiring: state.keypairs.installAsInitiator(keypair))
            state.endpoint = source
            state.timers.sessionDerived(at: now, isInitiator: true)
            state.timers.handshakeCompleted()
            state.timers.authenticatedPacketReceived(at: now)
            state.lastHandshake = now
            state.wantsKeepalive = true
            return flush(&state, now: now)
        }
        guard let sent else { return failed() }
        count { $0.handshakesCompleted += 1 }
        return sent
    }

    private func receiveCookieReply(_ datagram: UnsafeRawBufferPointer, now: MonotonicTime) {
        guard let reply = CookieReply(datagram) else {
            count { $0.invalidHandshakeMessages += 1 }
            return
        }
        let peer = indices.withLock { $0[reply.receiverIndex]?.peer }
        let accepted = peer?.state.withLock { $0.handshake?.consumeCookieReply(reply, now: now) } ?? false
        count { accepted ? ($0.cookieRepliesAccepted += 1) : ($0.handshakeFailures += 1) }
    }

    /// Builds and records an initiation to the peer (under its lock). Without an endpoint
    /// nothing can be sent, but the attempt still counts, so the timers eventually give up.
    func createInitiation(_ peer: EnginePeer, _ state: inout PeerState, now: MonotonicTime) -> OutgoingDatagram? {
        state.wantsInitiation = false
        guard !state.removed, state.handshake != nil else { return nil }
        let index = indices.withLock { table in
            if let old = state.pendingIndex { table.release(old) }
            return table.allocate(for: peer, using: random)
        }
        var generator = random
        let ephemeral = X25519.generatePrivateKey(using: &generator)
        guard case .success(let initiation)? = state.handshake?.createInitiation(
            localIndex: index, ephemeral: ephemeral, timestamp: configuration.timestamp(now), now: now)
        else {
            state.pendingIndex = nil
            indices.withLock { $0.release(index) }
            return nil
        }
        state.pendingIndex = index
        state.timers.handshakeInitiated(at: now)
        state.timers.authenticatedPacketSent(at: now)
        count { $0.initiationsSent += 1 }
        return state.endpoint.map { OutgoingDatagram(bytes: initiation.serialized(), endpoint: $0) }
    }

    private func install(_ keypair: Keypair, for peer: EnginePeer, retiring retired: [Keypair]) {
        indices.withLock { table in
            for old in retired { table.release(old.localIndex) }
            table.install(keypair, for: peer)
        }
    }

    private func failed() -> [OutgoingDatagram] {
        count { $0.handshakeFailures += 1 }
        return []
    }
}
