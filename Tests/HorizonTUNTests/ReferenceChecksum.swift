/// An independent RFC 1071 checksum for checking the module's fast one: byte pairs
/// read big-endian, summed in 32 bits with end-around carry, one word at a time.
enum ReferenceChecksum {
    static func sum(_ bytes: ArraySlice<UInt8>, initial: UInt32 = 0) -> UInt32 {
        var sum = initial
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let high = UInt32(bytes[i])
            let low = i + 1 < bytes.endIndex ? UInt32(bytes[i + 1]) : 0
            sum += high << 8 | low
            sum = (sum & 0xFFFF) + (sum >> 16)
            i += 2
        }
        return sum
    }

    static func fold(_ sum: UInt32) -> UInt16 {
        var s = sum
        while s > 0xFFFF { s = (s & 0xFFFF) + (s >> 16) }
        return UInt16(s)
    }

    /// Pseudo-header sum of the IP packet `ip` for an upper-layer length.
    static func pseudoHeader(_ ip: [UInt8], protocol proto: UInt8, length: Int) -> UInt32 {
        let isIPv6 = ip[0] >> 4 == 6
        let addresses = isIPv6 ? ip[8..<40] : ip[12..<20]
        return sum(addresses, initial: UInt32(proto) + UInt32(length))
    }

    /// True when the IPv4 header checksum (if IPv4) and the TCP/UDP checksum verify.
    static func packetIsValid(_ ip: [UInt8]) -> Bool {
        let isIPv6 = ip[0] >> 4 == 6
        let headerLength = isIPv6 ? 40 : Int(ip[0] & 0x0F) * 4
        if !isIPv6, fold(sum(ip[0..<headerLength])) != 0xFFFF { return false }
        let proto = isIPv6 ? ip[6] : ip[9]
        let transport = ip[headerLength...]
        if proto == 17, !isIPv6, ip[headerLength + 6] == 0, ip[headerLength + 7] == 0 { return true }
        return fold(sum(transport, initial: pseudoHeader(ip, protocol: proto, length: transport.count))) == 0xFFFF
    }
}
