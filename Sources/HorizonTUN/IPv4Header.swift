/// IPv4 header helpers shared by the splitter and the coalescer.
enum IPv4Header {
    /// Recomputes the header checksum of the IPv4 header at `ip` in place.
    @inline(__always)
    static func updateChecksum(_ ip: UnsafeMutableRawPointer) {
        let length = Int(ip.byte(at: 0) & 0x0F) * 4
        ip.storeBytes(of: 0, toByteOffset: 10, as: UInt16.self)
        ip.storeBytes(of: InternetChecksum.finish(InternetChecksum.sum(ip, count: length)),
                      toByteOffset: 10, as: UInt16.self)
    }

    /// True when the header checksum of the IPv4 header at `ip` verifies.
    @inline(__always)
    static func checksumIsValid(_ ip: UnsafeRawPointer, headerLength: Int) -> Bool {
        InternetChecksum.fold(InternetChecksum.sum(ip, count: headerLength)) == 0xFFFF
    }
}
