/// A peer's small integer name inside one engine: dense (freed numbers are reused), so a
/// device can index tables by it and route packets without hashing keys.
public struct PeerID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: UInt32

    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static func < (a: PeerID, b: PeerID) -> Bool { a.rawValue < b.rawValue }
    public var description: String { "peer#\(rawValue)" }
}
