/// Names a peer in the device's peer table. A plain 32-bit value rather than a generic
/// parameter or an object: tables keyed by it stay flat and fully specialised, and a
/// lookup on the packet path never touches a reference count. (A generic `AllowedIPs<Peer>`
/// measured 25× slower from another module, where it ran unspecialised.)
public struct PeerIndex: Hashable, Sendable, Comparable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    public var rawValue: UInt32

    public init(_ rawValue: UInt32) {
        self.rawValue = rawValue
    }

    public init(integerLiteral value: UInt32) {
        self.init(value)
    }

    public static func < (lhs: PeerIndex, rhs: PeerIndex) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { "peer#\(rawValue)" }
}
