import HorizonCore
import HorizonNAT
import HorizonUDP

/// How a simulated NAT maps and filters, after what Linux does with iptables.
enum NATBehaviour: CaseIterable, CustomStringConvertible {
    /// A public address.
    case none
    /// MASQUERADE: one external port per internal socket whatever the destination (it keeps
    /// the source port), and only replies from where it sent to get in.
    case endpointIndependent
    /// MASQUERADE --random-fully: a fresh random external port per destination, same filtering.
    case symmetric

    var description: String {
        switch self {
        case .none: "no NAT"
        case .endpointIndependent: "endpoint-independent"
        case .symmetric: "symmetric"
        }
    }
}

/// Two agents (0 and 1), each maybe behind a NAT of its own, a STUN server and a TURN-like
/// relay on the public side, with latency and deterministic packet loss. Datagrams an
/// agent sends on `.relay` leave from its relayed address; datagrams to that address
/// reach it on `.relay`. Time is the caller's.
final class SimulatedNATNetwork {
    static let stunServer = UDPAddress(ip: IPAddress("203.0.113.1")!, port: 3478)
    static let latency: Duration = .milliseconds(10)
    /// The extra leg to and from the relay.
    static let relayLatency: Duration = .milliseconds(30)

    struct Agent {
        var nat: NATBehaviour
        var host: UDPAddress
        var publicIP: IPAddress
        var relayed: UDPAddress
        /// External port → the destinations it was opened toward (its filter), and for a
        /// symmetric NAT the destination it belongs to.
        var portDestinations: [UInt16: Set<UDPAddress>] = [:]
        var symmetricPorts: [UDPAddress: UInt16] = [:]
    }

    struct Delivery {
        var at: MonotonicTime
        var agent: Int
        var path: ICEPath
        var source: UDPAddress
        var bytes: [UInt8]
    }

    private(set) var agents: [Agent]
    private(set) var inFlight: [Delivery] = []
    let loss: Double
    private var random: UInt64
    /// Drops everything that does not go through the relay (a path that broke).
    var directPathBroken = false
    private(set) var dropped = 0

    init(_ a: NATBehaviour, _ b: NATBehaviour, loss: Double = 0, seed: UInt64 = 1) {
        func agent(_ nat: NATBehaviour, _ n: UInt8) -> Agent {
            let publicIP = IPAddress.v4(IPv4Address(198, 51, 100, n))
            let host = nat == .none ? publicIP : .v4(IPv4Address(10, 0, n, 2))
            return Agent(nat: nat, host: UDPAddress(ip: host, port: 51820), publicIP: publicIP,
                         relayed: UDPAddress(ip: IPAddress("203.0.113.10")!, port: 40_000 + UInt16(n)))
        }
        agents = [agent(a, 1), agent(b, 2)]
        self.loss = loss
        random = seed
    }

    /// Host, server-reflexive (what the STUN server sees, when it differs) and relayed.
    func candidates(of i: Int) -> [ICECandidate] {
        var candidates = [ICECandidate(kind: .host, address: agents[i].host)]
        let reflexive = externalAddress(of: i, toward: Self.stunServer)
        if reflexive != agents[i].host { candidates.append(ICECandidate(kind: .serverReflexive, address: reflexive)) }
        candidates.append(ICECandidate(kind: .relayed, address: agents[i].relayed))
        return candidates
    }

    /// The address agent `i`'s datagram to `destination` leaves with, opening the NAT's filter to it.
    private func externalAddress(of i: Int, toward destination: UDPAddress) -> UDPAddress {
        var port: UInt16
        switch agents[i].nat {
        case .none: return agents[i].host
        case .endpointIndependent: port = agents[i].host.port
        case .symmetric:
            if let known = agents[i].symmetricPorts[destination] {
                port = known
            } else {
                repeat { port = UInt16(1024 + next() % 60_000) } while agents[i].portDestinations[port] != nil
                agents[i].symmetricPorts[destination] = port
            }
        }
        agents[i].portDestinations[port, default: []].insert(destination)
        return UDPAddress(ip: agents[i].publicIP, port: port)
    }

    func send(_ datagram: ICEDatagram, from i: Int, now: MonotonicTime) {
        let viaRelay = datagram.path == .relay
        let source = viaRelay ? agents[i].relayed : externalAddress(of: i, toward: datagram.destination)
        guard uniform() >= loss else {
            dropped += 1
            return
        }
        var delay = Self.latency + (viaRelay ? Self.relayLatency : .zero)
        for j in agents.indices {
            if datagram.destination == agents[j].relayed {
                delay += Self.relayLatency
                return deliver(Delivery(at: now + delay, agent: j, path: .relay, source: source, bytes: datagram.bytes))
            }
            if directPathBroken, !viaRelay { continue }
            if agents[j].nat == .none, datagram.destination == agents[j].host {
                return deliver(Delivery(at: now + delay, agent: j, path: .direct, source: source, bytes: datagram.bytes))
            }
            if agents[j].nat != .none, datagram.destination.ip == agents[j].publicIP,
               agents[j].portDestinations[datagram.destination.port]?.contains(source) == true {
                return deliver(Delivery(at: now + delay, agent: j, path: .direct, source: source, bytes: datagram.bytes))
            }
        }
        dropped += 1
    }

    private func deliver(_ delivery: Delivery) {
        inFlight.append(delivery)
    }

    /// The deliveries due at `now`, in order of arrival.
    func due(at now: MonotonicTime) -> [Delivery] {
        let ready = inFlight.filter { $0.at <= now }.sorted { $0.at < $1.at }
        inFlight.removeAll { $0.at <= now }
        return ready
    }

    var nextArrival: MonotonicTime? { inFlight.map(\.at).min() }

    private func next() -> UInt64 {
        random &+= 0x9E37_79B9_7F4A_7C15
        var z = random
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
