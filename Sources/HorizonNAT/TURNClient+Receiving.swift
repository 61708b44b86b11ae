import HorizonCore
import HorizonUDP

extension TURNClient {
    /// What a datagram from the server means: responses to pending requests, data from
    /// peers we gave a permission or a channel. Anything else (stray responses, other servers' traffic, garbage) is ignored.
    public mutating func receive(_ bytes: [UInt8], now: MonotonicTime) -> [TURNEvent] {
        switch DatagramKind.classify(bytes) {
        case .turnChannelData:
            guard let (channel, range) = bytes.withUnsafeBytes({ try? TURNChannelData.parse($0) }),
                  let peer = boundPeer(of: channel) else { return [] }
            return [.data(from: peer, Array(bytes[range]))]
        case .stun:
            guard let received = try? STUNReceivedMessage.parse(bytes) else { return [] }
            let message = received.message
            if message.type == STUNMessageType(method: .data, messageClass: .indication) {
                guard let peer = message.first({ if case .xorPeerAddress(let a) = $0 { a } else { nil } }),
                      let data = message.first({ if case .data(let d) = $0 { d } else { nil } }),
                      hasPermission(for: peer.ip) else { return [] }
                return [.data(from: peer, data)]
            }
            return answer(received, now: now)
        case .wireGuard, .unknown:
            return []
        }
    }

    private mutating func answer(_ received: STUNReceivedMessage, now: MonotonicTime) -> [TURNEvent] {
        guard let index = pendingIndex(answeredBy: received) else { return [] }
        let message = received.message
        if message.type.messageClass == .errorResponse {
            let request = removePending(at: index)
            return rejected(request, error: message.errorCode ?? .badRequest("no ERROR-CODE"), message: message, now: now)
        }
        if pendingIsAuthenticated(at: index) {
            guard let key = authenticationKey, received.verifyIntegrity(key: key) else { return [] }
        }
        let request = removePending(at: index).request
        return succeeded(request, message: message, now: now)
    }

    private mutating func succeeded(_ request: TURNRequest, message: STUNMessage, now: MonotonicTime) -> [TURNEvent] {
        let lifetime = message.first { if case .lifetime(let s) = $0 { Duration.seconds(Int64(s)) } else { nil } }
        switch request {
        case .allocate:
            guard let relayed = message.first({ if case .xorRelayedAddress(let a) = $0 { a } else { nil } }) else {
                return fail(request, .badResponse(server: server, request: request, reason: "no XOR-RELAYED-ADDRESS"))
            }
            let lifetime = lifetime ?? .seconds(600)
            let allocation = TURNAllocation(relayed: relayed, mapped: message.reflexiveAddress, lifetime: lifetime,
                                            expires: now + lifetime)
            setAllocation(allocation, now: now)
            return [.allocated(allocation)]
        case .refresh:
            guard var allocation else { return [] }
            allocation.lifetime = lifetime ?? allocation.lifetime
            allocation.expires = now + allocation.lifetime
            setAllocation(allocation, now: now)
            return [.refreshed(lifetime: allocation.lifetime)]
        case .release:
            forgetEverything()
            return [.released]
        case .createPermission(let ip):
            schedulePermissionRefresh(ip, now: now)
            return [.permissionCreated(ip)]
        case .channelBind(let channel, let peer):
            // A binding installs (and refreshes) the permission for the peer's address too.
            confirmChannel(channel, now: now)
            schedulePermissionRefresh(peer.ip, now: now)
            return [.channelBound(channel: channel, peer: peer)]
        }
    }

    private mutating func rejected(_ pending: PendingRequest, error: STUNErrorCode, message: STUNMessage,
                                   now: MonotonicTime) -> [TURNEvent] {
        let request = pending.request
        switch error.code {
        case 401 where !pending.authenticated:
            guard let realm = message.realm, let nonce = message.nonce else {
                return fail(request, .badResponse(server: server, request: request, reason: "401 without REALM or NONCE"))
            }
            do {
                try authenticate(realm: realm, nonce: nonce)
            } catch {
                return fail(request, .badPassword(error))
            }
            restart(request, now: now, staleRetries: pending.staleRetries)
            return []
        case 401:
            return fail(request, .unauthorized(server: server, username: credentials.username, realm: message.realm ?? realmInUse ?? ""))
        case 438 where pending.staleRetries < timing.staleNonceRetries:
            guard let nonce = message.nonce else {
                return fail(request, .badResponse(server: server, request: request, reason: "438 without NONCE"))
            }
            do {
                try authenticate(realm: message.realm ?? realmInUse ?? "", nonce: nonce)
            } catch {
                return fail(request, .badPassword(error))
            }
            restart(request, now: now, staleRetries: pending.staleRetries + 1)
            return []
        default:
            return fail(request, .errorResponse(server: server, request: request, error))
        }
    }
}
