/// `struct virtio_net_hdr` (virtio spec §5.1.6), which prefixes every packet read from
/// or written to a TUN opened with IFF_VNET_HDR. Fields are little-endian (the legacy
/// virtio default on little-endian hosts, which is what TUN uses unless told otherwise).
public struct VirtioNetHeader: Equatable, Sendable {
    public static let size = 10

    /// `flags` bits.
    public static let needsChecksum: UInt8 = 1
    public static let dataValid: UInt8 = 2

    /// `gsoType` values; `gsoECN` may be OR-ed into the TCP ones.
    public static let gsoNone: UInt8 = 0
    public static let gsoTCPv4: UInt8 = 1
    public static let gsoUDP: UInt8 = 3
    public static let gsoTCPv6: UInt8 = 4
    public static let gsoUDPL4: UInt8 = 5
    public static let gsoECN: UInt8 = 0x80

    public var flags: UInt8
    public var gsoType: UInt8
    /// Length of all headers up to the end of the transport header (a hint; not trusted).
    public var headerLength: UInt16
    /// Payload bytes per segment when `gsoType` is not none.
    public var gsoSize: UInt16
    /// Where the checksum computation starts (the transport header) when NEEDS_CSUM.
    public var checksumStart: UInt16
    /// Offset of the checksum field from `checksumStart`.
    public var checksumOffset: UInt16

    public init(flags: UInt8 = 0, gsoType: UInt8 = 0, headerLength: UInt16 = 0, gsoSize: UInt16 = 0,
                checksumStart: UInt16 = 0, checksumOffset: UInt16 = 0) {
        self.flags = flags
        self.gsoType = gsoType
        self.headerLength = headerLength
        self.gsoSize = gsoSize
        self.checksumStart = checksumStart
        self.checksumOffset = checksumOffset
    }

    public init(from bytes: UnsafeRawPointer) {
        flags = bytes.load(fromByteOffset: 0, as: UInt8.self)
        gsoType = bytes.load(fromByteOffset: 1, as: UInt8.self)
        headerLength = UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2, as: UInt16.self))
        gsoSize = UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 4, as: UInt16.self))
        checksumStart = UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 6, as: UInt16.self))
        checksumOffset = UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt16.self))
    }

    public func write(to bytes: UnsafeMutableRawPointer) {
        bytes.storeBytes(of: flags, toByteOffset: 0, as: UInt8.self)
        bytes.storeBytes(of: gsoType, toByteOffset: 1, as: UInt8.self)
        bytes.storeBytes(of: headerLength.littleEndian, toByteOffset: 2, as: UInt16.self)
        bytes.storeBytes(of: gsoSize.littleEndian, toByteOffset: 4, as: UInt16.self)
        bytes.storeBytes(of: checksumStart.littleEndian, toByteOffset: 6, as: UInt16.self)
        bytes.storeBytes(of: checksumOffset.littleEndian, toByteOffset: 8, as: UInt16.self)
    }

    public var needsChecksum: Bool { flags & Self.needsChecksum != 0 }

    /// The GSO type without the ECN bit.
    public var gsoKind: UInt8 { gsoType & ~Self.gsoECN }
}
