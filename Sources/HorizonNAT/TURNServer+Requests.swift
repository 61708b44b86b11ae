import HorizonCore
import HorizonUDP

extension TURNServer {
    /// UDP's IP protocol number, the only REQUESTED-TRANSPORT served.
    static let udp: UInt8 = 17

    mutating func request(_ received: STUNReceivedMessage, from client: UDPAddress, now: MonotonicTime,
                          openRelay: () -> UDPAddress?) -> [TURNServerOutput] {
        let message = received.message
        if !received.unknownComprehensionRequired.isEmpty {
            return [reply(message, to: client, error: .unknownAttribute(),
                          extra: [.unknownAttributes(received.unknownComprehensionRequired)], key: nil)]
        }
        if message.type.method == .binding {
            return [reply(message, to: client, attributes: [.xorMappedAddress(client)], key: nil)]
        }
        let key: STUNIntegrityKey
        switch authenticate(received, now: now) {
        case .success(let found): key = found
        case .failure(let refusal): return [reply(message, to: client, error: refusal.error, extra: refusal.attributes, key: nil)]
        }
        switch message.type.method {
        case .allocate: return allocate(message, from: client, key: key, now: now, openRelay: openRelay)
        case .refresh: return refresh(message, from: client, key: key, now: now)
        case .createPermission: return createPermission(message, from: client, key: key, now: now)
        case .channelBind: return channelBind(message, from: client, key: key, now: now)
        default: return [reply(message, to: client, error: .badRequest("Unsupported method"), key: key)]
        }
    }

    private mutating func allocate(_ message: STUNMessage, from client: UDPAddress, key: STUNIntegrityKey, now: MonotonicTime,
                                   openRelay: () -> UDPAddress?) -> [TURNServerOutput] {
        if let existing = allocations[client] {
            // A retransmitted Allocate (its success was lost) gets the success again; any
            // other is a second allocation on one 5-tuple (§7.2).
            guard existing.allocateTransaction == message.transactionID else {
                return [reply(message, to: client, error: STUNErrorCode(code: 437, reason: "Allocation Mismatch"), key: key)]
            }
            return [allocated(message, existing, now: now)]
        }
        guard let transport = message.first({ if case .requestedTransport(let t) = $0 { t } else { nil } }) else {
            return [reply(message, to: client, error: .badRequest("REQUESTED-TRANSPORT missing"), key: key)]
        }
        guard transport == Self.udp else {
            return [reply(message, to: client, error: STUNErrorCode(code: 442, reason: "Unsupported Transport Protocol"), key: key)]
        }
        guard allocations.count < configuration.maximumAllocations, let relayed = openRelay() else {
            return [reply(message, to: client, error: STUNErrorCode(code: 508, reason: "Insufficient Capacity"), key: key)]
        }
        let username = message.username ?? ""
        let allocation = TURNServerAllocation(client: client, relayed: relayed, username: username, key: key,
                                              allocateTransaction: message.transactionID,
                                              expires: now + lifetime(asked: message))
        allocations[client] = allocation
        clientOfRelay[relayed] = client
        return [allocated(message, allocation, now: now)]
    }

    private func allocated(_ message: STUNMessage, _ allocation: TURNServerAllocation, now: MonotonicTime) -> TURNServerOutput {
        reply(message, to: allocation.client, attributes: [
            .xorRelayedAddress(allocation.relayed), .lifetime(seconds(allocation.expires.since(now))),
            .xorMappedAddress(allocation.client),
        ], key: allocation.key)
    }

    private mutating func refresh(_ message: STUNMessage, from client: UDPAddress, key: STUNIntegrityKey,
                                  now: MonotonicTime) -> [TURNServerOutput] {
        guard allocations[client] != nil else {
            return [reply(message, to: client, error: STUNErrorCode(code: 437, reason: "Allocation Mismatch"), key: key)]
        }
        let asked = message.first { if case .lifetime(let s) = $0 { s } else { nil } }
        if asked == 0 {
            let released = release(client)
            return [reply(message, to: client, attributes: [.lifetime(0)], key: key), released]
        }
        let lifetime = lifetime(asked: message)
        allocations[client]?.expires = now + lifetime
        return [reply(message, to: client, attributes: [.lifetime(seconds(lifetime))], key: key)]
    }

    private mutating func createPermission(_ message: STUNMessage, from client: UDPAddress, key: STUNIntegrityKey,
                                           now: MonotonicTime) -> [TURNServerOutput] {
        guard allocations[client] != nil else {
            return [reply(message, to: client, error: STUNErrorCode(code: 437, reason: "Allocation Mismatch"), key: key)]
        }
        let peers = message.attributes.compactMap { if case .xorPeerAddress(let a) = $0 { a } else { nil } }
        guard !peers.isEmpty else { return [reply(message, to: client, error: .badRequest("XOR-PEER-ADDRESS missing"), key: key)] }
        for peer in peers { allocations[client]?.permissions[peer.ip] = now + configuration.permissionLifetime }
        return [reply(message, to: client, attributes: [], key: key)]
    }

    /// §12.2: a channel and a peer go together for the binding's life; either already bound
    /// to another is refused. Binding also installs or refreshes the peer's permission.
    private mutating func channelBind(_ message: STUNMessage, from client: UDPAddress, key: STUNIntegrityKey,
                                      now: MonotonicTime) -> [TURNServerOutput] {
        guard var allocation = allocations[client] else {
            return [reply(message, to: client, error: STUNErrorCode(code: 437, reason: "Allocation Mismatch"), key: key)]
        }
        guard let channel = message.first({ if case .channelNumber(let c) = $0 { c } else { nil } }),
              ChannelDataHeader.bindableChannels.contains(channel),
              let peer = message.first({ if case .xorPeerAddress(let a) = $0 { a } else { nil } }) else {
            return [reply(message, to: client, error: .badRequest("Bad CHANNEL-NUMBER or XOR-PEER-ADDRESS"), key: key)]
        }
        allocation.expire(now: now)
        if let bound = allocation.channels[channel], bound.peer != peer {
            return [reply(message, to: client, error: .badRequest("Channel bound to another peer"), key: key)]
        }
        if let other = allocation.channelOfPeer[peer], other != channel {
            return [reply(message, to: client, error: .badRequest("Peer bound to another channel"), key: key)]
        }
        allocation.channels[channel] = (peer, now + configuration.channelLifetime)
        allocation.channelOfPeer[peer] = channel
        allocation.permissions[peer.ip] = max(allocation.permissions[peer.ip] ?? now, now + configuration.permissionLifetime)
        allocations[client] = allocation
        return [reply(message, to: client, attributes: [], key: key)]
    }

    /// The LIFETIME asked for, within the server's maximum; the default when none is asked.
    private func lifetime(asked message: STUNMessage) -> Duration {
        guard let asked = message.first({ if case .lifetime(let s) = $0 { s } else { nil } }) else {
            return configuration.defaultLifetime
        }
        return min(max(.seconds(Int64(asked)), configuration.defaultLifetime), configuration.maximumLifetime)
    }

    private func seconds(_ duration: Duration) -> UInt32 { UInt32(clamping: duration.components.seconds) }

    func reply(_ request: STUNMessage, to client: UDPAddress, attributes: [STUNAttribute], key: STUNIntegrityKey?) -> TURNServerOutput {
        var response = STUNMessage(type: STUNMessageType(method: request.type.method, messageClass: .successResponse),
                                   transactionID: request.transactionID, attributes: attributes)
        if let software = configuration.software { response.attributes.append(.software(software)) }
        return .toClient(response.encoded(integrity: key, fingerprint: true), client: client)
    }

    func reply(_ request: STUNMessage, to client: UDPAddress, error: STUNErrorCode, extra: [STUNAttribute] = [],
               key: STUNIntegrityKey?) -> TURNServerOutput {
        var response = STUNMessage(type: STUNMessageType(method: request.type.method, messageClass: .errorResponse),
                                   transactionID: request.transactionID, attributes: [.errorCode(error)] + extra)
        if let software = configuration.software { response.attributes.append(.software(software)) }
        return .toClient(response.encoded(integrity: key, fingerprint: true), client: client)
    }
}
