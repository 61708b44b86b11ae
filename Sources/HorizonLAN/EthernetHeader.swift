import HorizonCore

/// The part of an Ethernet II frame the switch decides on: destination, source and type.
/// Frames arrive without preamble or FCS (as TAP devices hand them over).
public struct EthernetHeader: Equatable, Sendable {
    public static let length = 14

    public var destination: MACAddress
    public var source: MACAddress
    /// EtherType (or, below 0x0600, an 802.3 length); an 802.1Q tag shows up as 0x8100.
    public var etherType: UInt16

    public init(destination: MACAddress, source: MACAddress, etherType: UInt16) {
        self.destination = destination
        self.source = source
        self.etherType = etherType
    }

    /// The header of `frame`, or nil when the frame is shorter than one.
    public init?(frame: UnsafeRawBufferPointer) {
        guard frame.count >= Self.length else { return nil }
        destination = MACAddress(reading: frame, at: 0)
        source = MACAddress(reading: frame, at: 6)
        etherType = UInt16(frame[12]) << 8 | UInt16(frame[13])
    }
}
