import HorizonUDP

/// Where a datagram of a check goes out and comes in: straight from the node's WireGuard
/// socket, or through its TURN allocation.
public enum ICEPath: Hashable, Sendable {
    case direct
    case relay
}

/// A candidate transport address (RFC 8445 §5.1.1), with its priority.
public struct ICECandidate: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable, CaseIterable {
        case host
        case serverReflexive
        /// Learnt from a check's source address (RFC 8445 §7.3.1.3).
        case peerReflexive
        case relayed

        /// RFC 8445 §5.1.2.2's recommended type preferences.
        public var typePreference: UInt32 {
            switch self {
            case .host: 126
            case .peerReflexive: 110
            case .serverReflexive: 100
            case .relayed: 0
            }
        }
    }

    public var kind: Kind
    public var address: UDPAddress
    public var priority: UInt32

    public init(kind: Kind, address: UDPAddress, priority: UInt32) {
        self.kind = kind
        self.address = address
        self.priority = priority
    }

    /// With the priority RFC 8445's formula gives (`localPreference` orders several
    /// candidates of one kind: several interfaces, IPv6 before IPv4).
    public init(kind: Kind, address: UDPAddress, localPreference: UInt16 = 65535) {
        self.init(kind: kind, address: address, priority: Self.priority(kind: kind, localPreference: localPreference))
    }

    /// (2^24)·type preference + (2^8)·local preference + (256 − component), component 1:
    /// WireGuard needs one UDP flow.
    public static func priority(kind: Kind, localPreference: UInt16, component: UInt32 = 1) -> UInt32 {
        kind.typePreference << 24 | UInt32(localPreference) << 8 | (256 - component)
    }

    /// Relayed candidates are reached through the relay; all others directly.
    public var path: ICEPath { kind == .relayed ? .relay : .direct }

    public var description: String { "\(kind) \(address)" }
}
