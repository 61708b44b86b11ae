import HorizonCore
import HorizonUDP
import Testing
@testable import HorizonNAT

/// `TURNClient` without sockets: a scripted server built from the STUN codec answers its
/// requests, and time is a parameter.
@Suite struct TURNClientTests {
    static let server = UDPAddress(ip: IPAddress("192.0.2.1")!, port: 3478)
    static let relayed = UDPAddress(ip: IPAddress("192.0.2.1")!, port: 50_000)
    static let peer = UDPAddress(ip: IPAddress("198.51.100.7")!, port: 51820)
    static let credentials = TURNCredentials(username: "alice", password: "secret")
    let t0 = MonotonicTime(nanoseconds: 1_000_000_000_000)

    static func key() throws -> STUNIntegrityKey {
        try STUNIntegrityKey.longTerm(username: "alice", realm: "example.org", password: "secret")
    }

    /// The single request the client queued, parsed.
    static func request(_ client: inout TURNClient) throws -> STUNReceivedMessage {
        let outgoing = client.takeOutgoing()
        try #require(outgoing.count == 1)
        return try STUNReceivedMessage.parse(outgoing[0])
    }

    static func answer(_ request: STUNMessage, _ attributes: [STUNAttribute], error: Bool = false, key: STUNIntegrityKey?) -> [UInt8] {
        let type = STUNMessageType(method: request.type.method, messageClass: error ? .errorResponse : .successResponse)
        return STUNMessage(type: type, transactionID: request.transactionID, attributes: attributes).encoded(integrity: key)
    }

    /// Allocate, 401 with realm and nonce, authenticated retry, success.
    func allocated() throws -> TURNClient {
        var client = TURNClient(server: Self.server, credentials: Self.credentials)
        client.allocate(now: t0)
        let first = try Self.request(&client)
        #expect(first.integrity == nil && first.message.username == nil)
        #expect(first.message.attributes.contains(.requestedTransport(17)))
        let challenge = Self.answer(first.message, [.errorCode(.unauthenticated()), .realm("example.org"), .nonce("n1")], error: true, key: nil)
        #expect(client.receive(challenge, now: t0).isEmpty)
        let second = try Self.request(&client)
        #expect(second.message.username == "alice" && second.message.realm == "example.org" && second.message.nonce == "n1")
        #expect(second.verifyIntegrity(key: try Self.key()))
        let success = Self.answer(second.message, [.xorRelayedAddress(Self.relayed), .lifetime(600)], key: try Self.key())
        let events = client.receive(success, now: t0)
        #expect(events == [.allocated(TURNAllocation(relayed: Self.relayed, mapped: nil, lifetime: .seconds(600), expires: t0 + .seconds(600)))])
        return client
    }

    @Test func allocatesWithLongTermCredentials() throws {
        _ = try allocated()
    }

    @Test func unsignedOrMissignedSuccessIsIgnored() throws {
        var client = try allocated()
        client.createPermission(for: Self.peer.ip, now: t0)
        let request = try Self.request(&client)
        #expect(client.receive(Self.answer(request.message, [], key: nil), now: t0).isEmpty)
        #expect(client.receive(Self.answer(request.message, [], key: STUNIntegrityKey(bytes: [1, 2, 3])), now: t0).isEmpty)
        #expect(client.receive(Self.answer(request.message, [], key: try Self.key()), now: t0) == [.permissionCreated(Self.peer.ip)])
    }

    @Test func staleNonceIsRetriedWithTheNewOne() throws {
        var client = try allocated()
        client.createPermission(for: Self.peer.ip, now: t0)
        let request = try Self.request(&client)
        let stale = Self.answer(request.message, [.errorCode(.staleNonce()), .nonce("n2")], error: true, key: nil)
        #expect(client.receive(stale, now: t0).isEmpty)
        let retry = try Self.request(&client)
        let key = try Self.key()
        #expect(retry.message.nonce == "n2" && retry.verifyIntegrity(key: key))
        #expect(retry.message.transactionID != request.message.transactionID)
    }

    @Test func wrongPasswordIsUnauthorized() throws {
        var client = TURNClient(server: Self.server, credentials: Self.credentials)
        client.allocate(now: t0)
        let first = try Self.request(&client)
        _ = client.receive(Self.answer(first.message, [.errorCode(.unauthenticated()), .realm("example.org"), .nonce("n1")], error: true, key: nil), now: t0)
        let second = try Self.request(&client)
        let refused = client.receive(Self.answer(second.message, [.errorCode(.unauthenticated()), .realm("example.org"), .nonce("n1")], error: true, key: nil), now: t0)
        #expect(refused == [.failed(.allocate, .unauthorized(server: Self.server, username: "alice", realm: "example.org"))])
    }

    @Test func refreshesAllocationPermissionsAndChannelsBeforeTheyLapse() throws {
        var client = try allocated()
        let channel = client.bindChannel(to: Self.peer, now: t0)
        #expect(channel == 0x4000)
        let bind = try Self.request(&client)
        #expect(bind.message.attributes.contains(.channelNumber(0x4000)))
        // Send indication until the binding is confirmed, ChannelData after.
        #expect(DatagramKind.classify(client.wrap([1, 2], to: Self.peer)) == .stun)
        #expect(client.receive(Self.answer(bind.message, [], key: try Self.key()), now: t0) == [.channelBound(channel: 0x4000, peer: Self.peer)])
        #expect(client.wrap([1, 2], to: Self.peer) == [0x40, 0x00, 0x00, 0x02, 1, 2])
        #expect(client.receive([0x40, 0x00, 0x00, 0x01, 9], now: t0) == [.data(from: Self.peer, [9])])

        // Permission (from the binding) at 240 s, allocation at 540 s, channel at 540 s.
        #expect(client.nextDeadline == t0 + .seconds(240))
        #expect(client.poll(now: t0 + .seconds(239)).isEmpty && client.takeOutgoing().isEmpty)
        _ = client.poll(now: t0 + .seconds(240))
        let permission = try Self.request(&client)
        #expect(permission.message.type.method == .createPermission)
        _ = client.receive(Self.answer(permission.message, [], key: try Self.key()), now: t0 + .seconds(240))
        _ = client.poll(now: t0 + .seconds(540))
        // By then the permission (refreshed at 240 s) is due again too.
        let methods = client.takeOutgoing().compactMap { try? STUNReceivedMessage.parse($0).message.type.method }
        #expect(methods.count == 3 && Set(methods) == [.refresh, .channelBind, .createPermission])
    }

    @Test func unansweredRequestsTimeOut() throws {
        var client = TURNClient(server: Self.server, credentials: Self.credentials)
        client.allocate(now: t0)
        var now = t0
        var events: [TURNEvent] = []
        while events.isEmpty, let deadline = client.nextDeadline {
            now = deadline
            events = client.poll(now: now)
        }
        #expect(events == [.failed(.allocate, .timedOut(server: Self.server, request: .allocate))])
        #expect(now == t0 + STUNRetransmission.rfc8489.totalTime)
        #expect(client.takeOutgoing().count == STUNRetransmission.rfc8489.requestCount)
    }

    @Test func dataIndicationsOnlyFromPermittedPeers() throws {
        var client = try allocated()
        let indication = STUNMessage(type: STUNMessageType(method: .data, messageClass: .indication),
                                     attributes: [.xorPeerAddress(Self.peer), .data([7, 7])]).encoded()
        #expect(client.receive(indication, now: t0).isEmpty)
        client.createPermission(for: Self.peer.ip, now: t0)
        let request = try Self.request(&client)
        _ = client.receive(Self.answer(request.message, [], key: try Self.key()), now: t0)
        #expect(client.receive(indication, now: t0) == [.data(from: Self.peer, [7, 7])])
        // ChannelData on a channel never bound is dropped.
        #expect(client.receive([0x40, 0x01, 0x00, 0x01, 9], now: t0).isEmpty)
    }
}
