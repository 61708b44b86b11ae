import HorizonCore
import HorizonNAT
import HorizonUDP

extension PeerPaths {
    /// A datagram from the WireGuard socket or through the relay allocation: an answer to
    /// a gathering probe, the TURN server's (for the allocation's session), a peer's check
    /// (found by our ufrag in its USERNAME), an answer to one of our checks, or a plain
    /// Binding request from someone measuring us (answered).
    func receive(_ datagram: PathDatagram) {
        guard !stopped else { return }
        let message = DatagramKind.classify(datagram.bytes) == .stun ? (try? STUNReceivedMessage.parse(datagram.bytes))?.message : nil
        if !datagram.relayed, let message, message.type.messageClass == .successResponse || message.type.messageClass == .errorResponse,
           takeProbeAnswer(message, from: datagram.source) { return }
        if !datagram.relayed, let relay, datagram.source == relay.server {
            relay.receive(fromServer: datagram.bytes)
            return
        }
        guard let message else { return }
        let now = MonotonicTime.now()
        let path: ICEPath = datagram.relayed ? .relay : .direct
        switch message.type.messageClass {
        case .request:
            if let username = message.username {
                let ours = username.split(separator: ":").first.map(String.init)
                if let id = links.first(where: { $0.value.local?.credentials.ufrag == ours })?.key {
                    check(id, datagram, path: path, now: now)
                }
            } else if !datagram.relayed, let reply = responder.respond(to: datagram.bytes, from: datagram.source) {
                device.sendDatagram(reply, to: datagram.source)
            }
        case .successResponse, .errorResponse:
            // Only the checker that sent the request recognises its transaction.
            for id in Array(links.keys) { check(id, datagram, path: path, now: now) }
        case .indication:
            return
        }
    }

    private func check(_ id: String, _ datagram: PathDatagram, path: ICEPath, now: MonotonicTime) {
        guard var checker = links[id]?.checker else { return }
        var events = checker.receive(datagram.bytes, from: datagram.source, path: path, now: now)
        events += checker.poll(now: now)
        links[id]?.checker = checker
        flush(id)
        handle(events, for: id)
    }

    /// Runs the peer's checker's timers and sends what it queued.
    func poll(_ id: String, now: MonotonicTime) {
        guard var checker = links[id]?.checker, let due = checker.nextDeadline, due <= now else { return }
        let events = checker.poll(now: now)
        links[id]?.checker = checker
        flush(id)
        handle(events, for: id)
    }

    private func flush(_ id: String) {
        guard let outgoing = links[id]?.checker?.takeOutgoing(), !outgoing.isEmpty else { return }
        for datagram in outgoing {
            switch datagram.path {
            case .direct: device.sendDatagram(datagram.bytes, to: datagram.destination)
            case .relay: relay?.send(datagram.bytes, to: datagram.destination)
            }
        }
    }

    private func handle(_ events: [ICEEvent], for id: String) {
        for event in events {
            switch event {
            case .selected(let pair):
                use(pair, for: id)
            case .consentLost:
                links[id]?.path = .connecting
                // Often our NAT mapping moved (a router restart, a new uplink): probe it now
                // rather than at the next periodic check, so new sessions start at once.
                nextMappingCheck = .zero
            case .failed:
                break   // failed pairs are retried by the checker; the path stays as it was
            }
        }
    }

    /// Points the device's peer along `pair`: at the peer's address (directly, or at its
    /// relayed address), or through a channel on our allocation when our side is relayed.
    private func use(_ pair: ICECandidatePair, for id: String) {
        guard let link = links[id] else { return }
        let kind: PeerPath.Kind = pair.isDirect ? .direct : .relay
        let rtt = pair.rtt.map { Double($0.totalNanoseconds) / 1e6 }
        let key = link.peer.publicKey
        let path = PeerPath(kind: kind, endpoint: pair.remote.address.description, rttMilliseconds: rtt)
        guard pair.local.kind == .relayed, relay != nil else {
            setEndpoint(pair.remote.address, of: key)
            links[id]?.path = path
            return
        }
        connectThroughRelay(id, remote: pair.remote.address, path: path)
    }

    private func setEndpoint(_ address: UDPAddress, of key: PublicKey) {
        _ = device.apply([.peer(key), .updateOnly, .endpoint(Endpoint(address: address.ip, port: address.port))])
    }
}

