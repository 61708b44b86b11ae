/// Offloads the kernel agreed to on a TUN (TUNSETOFFLOAD).
public struct TUNOffloads: OptionSet, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Packets may arrive with a partial checksum (NEEDS_CSUM).
    public static let checksum = TUNOffloads(rawValue: 1)
    /// TCP superpackets (TSO4/TSO6) may arrive; we write them too.
    public static let tcpSegmentation = TUNOffloads(rawValue: 2)
    /// UDP superpackets (USO4/USO6, Linux 6.2+) may arrive.
    public static let udpSegmentation = TUNOffloads(rawValue: 4)
}
