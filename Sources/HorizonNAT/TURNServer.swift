import HorizonCore
import HorizonUDP

/// A TURN relay (RFC 8656, UDP only), sans-IO: the runner feeds what arrives on the listening
/// socket (`receive(fromClient:)`) and on relayed sockets (`receive(fromPeer:)`), calls `poll`
/// by `nextDeadline`, and carries out the outputs. The subset is what Horizon's client and
/// coturn's clients use: Allocate, Refresh, CreatePermission, ChannelBind, Send and Data
/// indications, ChannelData, long-term credentials; Binding is answered too (STUN).
/// Not supported: TCP/TLS transports, EVEN-PORT/RESERVATION-TOKEN, DONT-FRAGMENT, IPv6
/// relaying for IPv4 clients (REQUESTED-ADDRESS-FAMILY), ALTERNATE-SERVER.
public struct TURNServer: Sendable {
    public let configuration: TURNServerConfiguration
    let keys: [String: STUNIntegrityKey]
    var nonces: TURNNonces
    var allocations: [UDPAddress: TURNServerAllocation] = [:]
    var clientOfRelay: [UDPAddress: UDPAddress] = [:]

    public init(configuration: TURNServerConfiguration) throws(STUNCredentialError) {
        self.configuration = configuration
        var keys: [String: STUNIntegrityKey] = [:]
        for (user, password) in configuration.users {
            keys[user] = try .longTerm(username: user, realm: configuration.realm, password: password)
        }
        self.keys = keys
        nonces = TURNNonces(lifetime: configuration.nonceLifetime)
    }

    public var allocationCount: Int { allocations.count }

    /// What a client sent to the listening port. `openRelay` opens a relayed socket for a
    /// new allocation and returns its address (nil: none available, answered 508).
    public mutating func receive(fromClient bytes: [UInt8], client: UDPAddress, now: MonotonicTime,
                                 openRelay: () -> UDPAddress?) -> [TURNServerOutput] {
        switch DatagramKind.classify(bytes) {
        case .turnChannelData:
            return channelData(bytes, from: client, now: now)
        case .stun:
            guard let received = try? STUNReceivedMessage.parse(bytes) else { return [] }
            switch received.message.type.messageClass {
            case .request: return request(received, from: client, now: now, openRelay: openRelay)
            case .indication: return indication(received.message, from: client, now: now)
            case .successResponse, .errorResponse: return []
            }
        case .wireGuard, .unknown:
            return []
        }
    }

    /// What a peer sent to the relayed address `relayed`: to the client as ChannelData when a
    /// channel is bound to the peer, else as a Data indication; dropped without a permission.
    public func receive(fromPeer bytes: [UInt8], peer: UDPAddress, relayed: UDPAddress, now: MonotonicTime) -> [TURNServerOutput] {
        guard let client = clientOfRelay[relayed], let allocation = allocations[client], now < allocation.expires,
              allocation.permits(peer.ip, now: now) else { return [] }
        if let channel = allocation.channel(of: peer, now: now), bytes.count <= Int(UInt16.max) {
            return [.toClient(TURNChannelData.encode(channel: channel, data: bytes), client: client)]
        }
        let indication = STUNMessage(type: STUNMessageType(method: .data, messageClass: .indication),
                                     attributes: [.xorPeerAddress(peer), .data(bytes)])
        return [.toClient(indication.encoded(), client: client)]
    }

    /// Ends lapsed allocations and drops lapsed permissions and channels.
    public mutating func poll(now: MonotonicTime) -> [TURNServerOutput] {
        var outputs: [TURNServerOutput] = []
        for (client, allocation) in allocations {
            if now >= allocation.expires {
                outputs.append(release(client))
            } else {
                allocations[client]?.expire(now: now)
            }
        }
        return outputs
    }

    /// The earliest expiry of anything; nil with no allocations.
    public var nextDeadline: MonotonicTime? {
        allocations.values.flatMap { allocation in
            [allocation.expires] + Array(allocation.permissions.values) + allocation.channels.values.map(\.expires)
        }.min()
    }

    mutating func release(_ client: UDPAddress) -> TURNServerOutput {
        let allocation = allocations.removeValue(forKey: client)!
        clientOfRelay[allocation.relayed] = nil
        return .released(relayed: allocation.relayed)
    }

    /// Send indication: data for a permitted peer. Indications are not authenticated (§11).
    private func indication(_ message: STUNMessage, from client: UDPAddress, now: MonotonicTime) -> [TURNServerOutput] {
        guard message.type.method == .send, let allocation = allocations[client], now < allocation.expires,
              let peer = message.first({ if case .xorPeerAddress(let a) = $0 { a } else { nil } }),
              let data = message.first({ if case .data(let d) = $0 { d } else { nil } }),
              allocation.permits(peer.ip, now: now) else { return [] }
        return [.toPeer(data, relayed: allocation.relayed, peer: peer)]
    }

    private func channelData(_ bytes: [UInt8], from client: UDPAddress, now: MonotonicTime) -> [TURNServerOutput] {
        guard let allocation = allocations[client], now < allocation.expires,
              let (channel, range) = try? bytes.withUnsafeBytes({ try TURNChannelData.parse($0) }),
              let binding = allocation.channels[channel], now < binding.expires else { return [] }
        return [.toPeer(Array(bytes[range]), relayed: allocation.relayed, peer: binding.peer)]
    }
}
