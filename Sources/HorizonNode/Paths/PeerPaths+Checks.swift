import HorizonCore
import HorizonNAT
import HorizonUDP

extension PeerPaths {
    /// A STUN datagram from the WireGuard socket or a peer's relay: an answer to a gathering
    /// probe, a peer's check (found by our ufrag in its USERNAME), an answer to one of our
    /// checks, or a plain Binding request from someone measuring us (answered).
    func receive(_ datagram: PathDatagram) {
        guard !stopped, DatagramKind.classify(datagram.bytes) == .stun,
              let received = try? STUNReceivedMessage.parse(datagram.bytes) else { return }
        let message = received.message
        let now = MonotonicTime.now()
        if let relayed = datagram.relayOf {
            check(relayed, datagram, path: .relay, now: now)
            return
        }
        switch message.type.messageClass {
        case .request:
            if let username = message.username {
                let ours = username.split(separator: ":").first.map(String.init)
                if let id = links.first(where: { $0.value.local?.credentials.ufrag == ours })?.key {
                    check(id, datagram, path: .direct, now: now)
                }
            } else if let reply = responder.respond(to: datagram.bytes, from: datagram.source) {
                device.sendDatagram(reply, to: datagram.source)
            }
        case .successResponse, .errorResponse:
            guard !takeProbeAnswer(message, from: datagram.source) else { return }
            // Only the checker that sent the request recognises its transaction.
            for id in Array(links.keys) { check(id, datagram, path: .direct, now: now) }
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
        let relay = links[id]?.relay
        for datagram in outgoing {
            switch datagram.path {
            case .direct: device.sendDatagram(datagram.bytes, to: datagram.destination)
            case .relay: relay?.session.send(datagram.bytes, to: datagram.destination)
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
            case .failed:
                break   // failed pairs are retried by the checker; the path stays as it was
            }
        }
    }

    /// Points the device's peer along `pair`: at the peer's address (directly, or at its
    /// relayed address), or at our relay proxy bound to the peer when our side is relayed.
    private func use(_ pair: ICECandidatePair, for id: String) {
        guard let link = links[id] else { return }
        let kind: PeerPath.Kind = pair.isDirect ? .direct : .relay
        let rtt = pair.rtt.map { Double($0.totalNanoseconds) / 1e6 }
        let key = link.peer.publicKey
        let path = PeerPath(kind: kind, endpoint: pair.remote.address.description, rttMilliseconds: rtt)
        guard pair.local.kind == .relayed, let proxy = link.relay else {
            setEndpoint(pair.remote.address, of: key)
            links[id]?.path = path
            return
        }
        let remote = pair.remote.address
        Task {
            // Binding the channel waits for the relay's answer: off the actor's thread.
            guard (try? await blockingCall { try proxy.connect(to: remote, timeout: .seconds(3)) }) != nil else { return }
            self.relayConnected(id, proxy: proxy, path: path)
        }
    }

    private func relayConnected(_ id: String, proxy: TURNRelayProxy, path: PeerPath) {
        // A direct pair may have been selected while the channel was being bound.
        guard let link = links[id], link.relay === proxy, link.checker?.selectedPair?.local.kind == .relayed else { return }
        setEndpoint(proxy.endpoint, of: link.peer.publicKey)
        links[id]?.path = path
    }

    private func setEndpoint(_ address: UDPAddress, of key: PublicKey) {
        _ = device.apply([.peer(key), .updateOnly, .endpoint(Endpoint(address: address.ip, port: address.port))])
    }
}

