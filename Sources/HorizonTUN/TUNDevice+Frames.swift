#if canImport(Glibc)
import Glibc
#endif
import CHorizonLinux
import HorizonCore

/// Single-frame I/O and Ethernet settings for TAP devices (L2), beside the batched TUN path.
extension TUNDevice {
    /// Writes one packet or frame as it is (the caller puts a virtio header in front when
    /// `hasVirtioHeader`). Returns the byte count, or -errno. Never throws.
    @inline(__always)
    public func write(_ bytes: UnsafeRawBufferPointer) -> Int {
        let n = Glibc.write(fd, bytes.baseAddress, bytes.count)
        return n >= 0 ? n : -Int(errno)
    }

    /// Gives a TAP interface its Ethernet address (before it is brought up, so neighbours
    /// never see a random one).
    public func setMAC(_ mac: MACAddress) throws(TUNError) {
        var octets = [UInt8](repeating: 0, count: 6)
        octets.withUnsafeMutableBytes { mac.write(to: $0, at: 0) }
        let rc = hz_netif_set_mac(name, octets)
        guard rc == 0 else { throw TUNError("cannot set the MAC address of \(name) to \(mac)", errno: -rc) }
    }
}
