import HorizonCore

/// Builds Ethernet frames for switch tests.
enum LANTestFrames {
    static func frame(from source: MACAddress, to destination: MACAddress, etherType: UInt16 = 0x0800, payload: Int = 46) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 14 + payload)
        bytes.withUnsafeMutableBytes { buffer in
            destination.write(to: buffer, at: 0)
            source.write(to: buffer, at: 6)
        }
        bytes[12] = UInt8(etherType >> 8)
        bytes[13] = UInt8(etherType & 0xFF)
        return bytes
    }

    static func mac(_ last: UInt8, node: UInt8) -> MACAddress {
        MACAddress((0x02, 0, 0, 0, node, last))
    }
}
