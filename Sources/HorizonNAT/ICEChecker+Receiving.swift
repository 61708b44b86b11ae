import HorizonCore
import HorizonUDP

extension ICEChecker {
    /// Handles a datagram that arrived on `path` from `source`: a peer's check (answered,
    /// and answered with a triggered check of our own) or the answer to one of ours.
    /// Anything not authenticated with the agreed credentials is ignored.
    public mutating func receive(_ bytes: [UInt8], from source: UDPAddress, path: ICEPath, now: MonotonicTime) -> [ICEEvent] {
        guard DatagramKind.classify(bytes) == .stun, let received = try? STUNReceivedMessage.parse(bytes),
              received.message.type.method == .binding else { return [] }
        switch received.message.type.messageClass {
        case .request: return answerCheck(received, from: source, path: path, now: now)
        case .successResponse, .errorResponse: return checkAnswered(received, from: source, now: now)
        case .indication: return []
        }
    }

    // MARK: - The peer's checks

    private mutating func answerCheck(_ received: STUNReceivedMessage, from source: UDPAddress, path: ICEPath,
                                      now: MonotonicTime) -> [ICEEvent] {
        let request = received.message
        guard request.username == localCredentials.ufrag + ":" + remoteCredentials.ufrag,
              received.verifyIntegrity(key: localKey) else { return [] }
        if let conflict = roleConflict(request) {
            guard conflict == .weSwitch else {
                reply(to: request, source: source, path: path, error: STUNErrorCode(code: 487, reason: "Role Conflict"))
                return []
            }
            role = role == .controlling ? .controlled : .controlling
        }
        reply(to: request, source: source, path: path, error: nil)

        var found = pairIndex(path: path, remote: source)
        if found == nil { found = addPeerReflexive(source, path: path, request: request) }
        guard let index = found else { return [] }
        let useCandidate = request.attributes.contains(.useCandidate) && role == .controlled
        if useCandidate { pairs[index].nominated = true }
        if pairs[index].state == .succeeded { return useCandidate ? select(index, now: now) : [] }
        // Check back at once (an outstanding check starts over: the peer's check may just
        // have opened the way for it).
        if !triggered.contains(index) { triggered.append(index) }
        if pairs[index].state == .failed { pairs[index].state = .waiting }
        return []
    }

    private enum Conflict { case weSwitch, theySwitch }

    /// RFC 8445 §7.3.1.1: both claim one role; the larger tie-breaker keeps controlling.
    private func roleConflict(_ request: STUNMessage) -> Conflict? {
        for attribute in request.attributes {
            switch (attribute, role) {
            case (.iceControlling(let theirs), .controlling):
                return tieBreaker >= theirs ? .theySwitch : .weSwitch
            case (.iceControlled(let theirs), .controlled):
                return tieBreaker >= theirs ? .weSwitch : .theySwitch
            default:
                continue
            }
        }
        return nil
    }

    private mutating func reply(to request: STUNMessage, source: UDPAddress, path: ICEPath, error: STUNErrorCode?) {
        let type = STUNMessageType(method: .binding, messageClass: error == nil ? .successResponse : .errorResponse)
        let attributes: [STUNAttribute] = error.map { [.errorCode($0)] } ?? [.xorMappedAddress(source)]
        let response = STUNMessage(type: type, transactionID: request.transactionID, attributes: attributes)
        outgoing.append(ICEDatagram(bytes: response.encoded(integrity: localKey, fingerprint: true), path: path, destination: source))
    }

    /// A check from an address the peer did not signal: a peer-reflexive candidate (its
    /// NAT's mapping toward us), with the priority the check carries.
    private mutating func addPeerReflexive(_ source: UDPAddress, path: ICEPath, request: STUNMessage) -> Int? {
        let priority = request.first { if case .priority(let p) = $0 { p } else { nil } }
            ?? ICECandidate.priority(kind: .peerReflexive, localPreference: 65535)
        guard let local = localCandidates.first(where: {
            $0.path == path && ($0.kind == .host || $0.kind == .relayed) && $0.address.ip.isIPv4 == source.ip.isIPv4
        }) else { return nil }
        let remote = ICECandidate(kind: .peerReflexive, address: source, priority: priority)
        if !remoteCandidates.contains(where: { $0.address == source }) { remoteCandidates.append(remote) }
        pairs.append(ICECandidatePair(local: local, remote: remote))
        return pairs.count - 1
    }

    // MARK: - Answers to our checks

    private mutating func checkAnswered(_ received: STUNReceivedMessage, from source: UDPAddress, now: MonotonicTime) -> [ICEEvent] {
        guard let at = checks.firstIndex(where: { $0.transaction.answers(received) }),
              received.verifyIntegrity(key: remoteKey) else { return [] }
        let check = checks.remove(at: at)
        let index = check.pair
        // A response from another address than the one checked proves nothing (RFC 8445 §7.2.5.2.1).
        guard source == pairs[index].remote.address else {
            if pairs[index].state == .inProgress { pairs[index].state = .failed }
            return []
        }
        if let error = received.message.errorCode {
            if error.code == 487 {
                role = role == .controlling ? .controlled : .controlling
                pairs[index].state = .waiting
                triggered.append(index)
            } else if pairs[index].state == .inProgress {
                pairs[index].state = .failed
            }
            return []
        }
        let firstSuccess = pairs[index].state != .succeeded
        pairs[index].state = .succeeded
        pairs[index].rtt = now.since(check.sentAt)
        pairs[index].lastSuccess = now
        if self.firstSuccess == nil { self.firstSuccess = now }
        // Ours: the nomination went through. Theirs: the pair they nominated works now.
        if check.nominating { pairs[index].nominated = true }
        return check.nominating || (firstSuccess && pairs[index].nominated) ? select(index, now: now) : []
    }
}
