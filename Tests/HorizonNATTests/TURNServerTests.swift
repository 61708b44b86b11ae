import HorizonCore
import HorizonUDP
import Testing
@testable import HorizonNAT

/// `TURNServer` without sockets, driven by Horizon's own sans-IO `TURNClient`: every datagram
/// one queues is handed to the other, and time is a parameter.
@Suite struct TURNServerTests {
    static let serverAddress = UDPAddress(ip: IPAddress("192.0.2.1")!, port: 3478)
    static let relayed = UDPAddress(ip: IPAddress("192.0.2.1")!, port: 50_000)
    static let client = UDPAddress(ip: IPAddress("198.51.100.2")!, port: 40_000)
    static let peer = UDPAddress(ip: IPAddress("203.0.113.9")!, port: 51820)
    let t0 = MonotonicTime(nanoseconds: 1_000_000_000_000)

    static func server(_ change: (inout TURNServerConfiguration) -> Void = { _ in }) throws -> TURNServer {
        var configuration = TURNServerConfiguration(realm: "example.org", users: ["alice": "secret"])
        change(&configuration)
        return try TURNServer(configuration: configuration)
    }

    /// Moves datagrams both ways until neither side has anything to send; the client's events
    /// and the server's outputs other than answers to the client.
    static func exchange(_ client: inout TURNClient, _ server: inout TURNServer, now: MonotonicTime) -> (events: [TURNEvent], other: [TURNServerOutput]) {
        var events: [TURNEvent] = []
        var other: [TURNServerOutput] = []
        for _ in 0..<10 {
            let outgoing = client.takeOutgoing()
            guard !outgoing.isEmpty else { break }
            for datagram in outgoing {
                for output in server.receive(fromClient: datagram, client: Self.client, now: now, openRelay: { Self.relayed }) {
                    if case .toClient(let bytes, let to) = output, to == Self.client {
                        events += client.receive(bytes, now: now)
                    } else {
                        other.append(output)
                    }
                }
            }
        }
        return (events, other)
    }

    func allocated(_ server: inout TURNServer, password: String = "secret") -> (TURNClient, [TURNEvent]) {
        var client = TURNClient(server: Self.serverAddress, credentials: TURNCredentials(username: "alice", password: password))
        client.allocate(now: t0)
        let events = Self.exchange(&client, &server, now: t0).events
        return (client, events)
    }

    @Test func allocatesAfterTheChallenge() throws {
        var server = try Self.server()
        let (_, events) = allocated(&server)
        let expected = TURNAllocation(relayed: Self.relayed, mapped: Self.client, lifetime: .seconds(600), expires: t0 + .seconds(600))
        #expect(events == [.allocated(expected)])
        #expect(server.allocationCount == 1)
    }

    @Test func unsignedRequestGets401WithRealmAndNonce() throws {
        var server = try Self.server()
        let request = STUNMessage(type: STUNMessageType(method: .allocate, messageClass: .request), attributes: [.requestedTransport(17)])
        let outputs = server.receive(fromClient: request.encoded(), client: Self.client, now: t0, openRelay: { Self.relayed })
        guard case .toClient(let bytes, _) = try #require(outputs.first) else { Issue.record("no answer"); return }
        let answer = try STUNReceivedMessage.parse(bytes).message
        #expect(answer.errorCode?.code == 401 && answer.realm == "example.org" && answer.nonce != nil)
        #expect(server.allocationCount == 0)
    }

    @Test func wrongPasswordIsUnauthorized() throws {
        var server = try Self.server()
        let (_, events) = allocated(&server, password: "wrong")
        #expect(events == [.failed(.allocate, .unauthorized(server: Self.serverAddress, username: "alice", realm: "example.org"))])
        #expect(server.allocationCount == 0)
    }

    @Test func dataBothWaysAsIndicationsThenOverAChannel() throws {
        var server = try Self.server()
        var (client, _) = allocated(&server)
        client.createPermission(for: Self.peer.ip, now: t0)
        #expect(Self.exchange(&client, &server, now: t0).events == [.permissionCreated(Self.peer.ip)])

        // Send indication out, Data indication back.
        let out = server.receive(fromClient: client.wrap([1, 2, 3], to: Self.peer), client: Self.client, now: t0, openRelay: { nil })
        #expect(out == [.toPeer([1, 2, 3], relayed: Self.relayed, peer: Self.peer)])
        let back = server.receive(fromPeer: [4, 5], peer: Self.peer, relayed: Self.relayed, now: t0)
        guard case .toClient(let indication, Self.client) = try #require(back.first) else { Issue.record("not to the client"); return }
        #expect(DatagramKind.classify(indication) == .stun)
        #expect(client.receive(indication, now: t0) == [.data(from: Self.peer, [4, 5])])

        // A channel: ChannelData both ways.
        let bound = client.bindChannel(to: Self.peer, now: t0)
        let channel = try #require(bound)
        #expect(Self.exchange(&client, &server, now: t0).events == [.channelBound(channel: channel, peer: Self.peer)])
        let framed = client.wrap([6, 7, 8], to: Self.peer)
        #expect(framed.count == 4 + 3)
        #expect(server.receive(fromClient: framed, client: Self.client, now: t0, openRelay: { nil })
                == [.toPeer([6, 7, 8], relayed: Self.relayed, peer: Self.peer)])
        let viaChannel = server.receive(fromPeer: [9], peer: Self.peer, relayed: Self.relayed, now: t0)
        #expect(viaChannel == [.toClient(TURNChannelData.encode(channel: channel, data: [9]), client: Self.client)])
    }

    @Test func peersWithoutPermissionAreDropped() throws {
        var server = try Self.server()
        var (client, _) = allocated(&server)
        #expect(server.receive(fromPeer: [1], peer: Self.peer, relayed: Self.relayed, now: t0).isEmpty)
        #expect(server.receive(fromClient: client.wrap([1], to: Self.peer), client: Self.client, now: t0, openRelay: { nil }).isEmpty)
        // Permissions lapse after 300 s.
        client.createPermission(for: Self.peer.ip, now: t0)
        _ = Self.exchange(&client, &server, now: t0)
        #expect(!server.receive(fromPeer: [1], peer: Self.peer, relayed: Self.relayed, now: t0 + .seconds(299)).isEmpty)
        #expect(server.receive(fromPeer: [1], peer: Self.peer, relayed: Self.relayed, now: t0 + .seconds(300)).isEmpty)
    }

    @Test func refreshExtendsAndLifetimeZeroReleases() throws {
        var server = try Self.server()
        var (client, _) = allocated(&server)
        client.refresh(now: t0 + .seconds(100))
        #expect(Self.exchange(&client, &server, now: t0 + .seconds(100)).events == [.refreshed(lifetime: .seconds(600))])
        #expect(server.poll(now: t0 + .seconds(650)).isEmpty)
        client.release(now: t0 + .seconds(650))
        let (events, other) = Self.exchange(&client, &server, now: t0 + .seconds(650))
        #expect(events == [.released])
        #expect(other == [.released(relayed: Self.relayed)])
        #expect(server.allocationCount == 0)
    }

    @Test func unrefreshedAllocationExpires() throws {
        var server = try Self.server()
        _ = allocated(&server)
        #expect(server.nextDeadline == t0 + .seconds(600))
        #expect(server.poll(now: t0 + .seconds(599)).isEmpty)
        #expect(server.poll(now: t0 + .seconds(600)) == [.released(relayed: Self.relayed)])
        #expect(server.nextDeadline == nil)
    }

    @Test func staleNonceIsRetriedWithTheFreshOne() throws {
        var server = try Self.server { $0.nonceLifetime = .seconds(60) }
        var (client, _) = allocated(&server)
        let later = t0 + .seconds(120)
        client.createPermission(for: Self.peer.ip, now: later)
        #expect(Self.exchange(&client, &server, now: later).events == [.permissionCreated(Self.peer.ip)])
    }

    @Test func secondAllocateOnOneFiveTupleIsAMismatch() throws {
        var server = try Self.server()
        var (client, _) = allocated(&server)
        client.allocate(now: t0)
        let events = Self.exchange(&client, &server, now: t0).events
        #expect(events.count == 1)
        guard case .failed(.allocate, .errorResponse(_, _, let error)) = events.first else { Issue.record("\(events)"); return }
        #expect(error.code == 437)
    }

    @Test func channelAndPeerStayTogether() throws {
        var server = try Self.server()
        var (client, _) = allocated(&server)
        let bound = client.bindChannel(to: Self.peer, now: t0)
        let channel = try #require(bound)
        _ = Self.exchange(&client, &server, now: t0)
        // The same channel to another peer, by hand (the client would never ask).
        let other = UDPAddress(ip: Self.peer.ip, port: 1)
        let key = try STUNIntegrityKey.longTerm(username: "alice", realm: "example.org", password: "secret")
        let nonce = server.nonces.issue(now: t0)
        let request = STUNMessage(type: STUNMessageType(method: .channelBind, messageClass: .request), attributes: [
            .channelNumber(channel), .xorPeerAddress(other), .username("alice"), .realm("example.org"), .nonce(nonce),
        ])
        let outputs = server.receive(fromClient: request.encoded(integrity: key), client: Self.client, now: t0, openRelay: { nil })
        guard case .toClient(let bytes, _) = try #require(outputs.first) else { Issue.record("no answer"); return }
        #expect(try STUNReceivedMessage.parse(bytes).message.errorCode?.code == 400)
    }

    @Test func bindingIsAnsweredWithoutCredentials() throws {
        var server = try Self.server()
        let request = STUNMessage(type: .bindingRequest)
        let outputs = server.receive(fromClient: request.encoded(fingerprint: true), client: Self.client, now: t0, openRelay: { nil })
        guard case .toClient(let bytes, _) = try #require(outputs.first) else { Issue.record("no answer"); return }
        #expect(try STUNReceivedMessage.parse(bytes).message.reflexiveAddress == Self.client)
    }

    /// RFC 5769 §2.4: the long-term key from a SASLprep'd password verifies the vector's
    /// request, so the server gets as far as its nonce (unknown to it: 438), while a wrong
    /// password stops at the integrity check (401).
    @Test func rfc5769LongTermVectorAuthenticates() throws {
        let received = try STUNReceivedMessage.parse(RFC5769Vectors.longTermRequest)
        var right = try TURNServer(configuration: TURNServerConfiguration(
            realm: RFC5769Vectors.longTermRealm, users: [RFC5769Vectors.longTermUsername: RFC5769Vectors.longTermPassword]))
        guard case .failure(let stale) = right.authenticate(received, now: t0) else { Issue.record("accepted a nonce it never issued"); return }
        #expect(stale.error.code == 438)
        var wrong = try TURNServer(configuration: TURNServerConfiguration(
            realm: RFC5769Vectors.longTermRealm, users: [RFC5769Vectors.longTermUsername: "TheMatrix"]))
        guard case .failure(let refused) = wrong.authenticate(received, now: t0) else { Issue.record("accepted"); return }
        #expect(refused.error.code == 401)
    }
}
