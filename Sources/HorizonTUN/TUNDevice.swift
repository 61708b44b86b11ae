#if canImport(Glibc)
import Glibc
#endif
import CHorizonLinux

/// A Linux TUN (L3) or TAP (L2) interface opened through /dev/net/tun.
///
/// The fd is non-blocking: `read` returns -EAGAIN when nothing is queued and the caller
/// waits with `waitReadable`, so packet loops can stop within a bounded time. Closing is
/// explicit (`close()`) or on deinit; the kernel removes a non-persistent interface when
/// its last fd closes.
///
/// Threads: reading on one thread while writing on another is fine (the kernel serialises
/// per fd); `close()` only once no other thread is using the device.
public final class TUNDevice: @unchecked Sendable {
    public enum Kind: Sendable { case tun, tap }

    public let kind: Kind
    /// The interface name the kernel settled on (it fills in patterns such as "hz%d").
    public let name: String
    /// True when every packet read or written starts with a `VirtioNetHeader`.
    public let hasVirtioHeader: Bool
    public let offloads: TUNOffloads
    public private(set) var fd: Int32

    /// Opens `name` ("" lets the kernel choose). With `offloads`, the device is opened with
    /// IFF_VNET_HDR and asked for checksum, TSO4/6 and USO4/6, falling back to what the
    /// kernel accepts. TAP reads then carry Ethernet superframes (see `TAPFrameSplitter`).
    public init(name: String = "", kind: Kind = .tun, offloads: Bool = true, multiQueue: Bool = false) throws(TUNError) {
        guard name.utf8.count < Int(HZ_IFNAMSIZ) else { throw TUNError("interface name '\(name)'", errno: ENAMETOOLONG) }
        let useVirtioHeader = offloads
        var chosen = [CChar](repeating: 0, count: Int(HZ_IFNAMSIZ))
        let fd = hz_tun_open(name, kind == .tap ? 1 : 0, useVirtioHeader ? 1 : 0, multiQueue ? 1 : 0, &chosen)
        guard fd >= 0 else { throw TUNError("cannot open /dev/net/tun as '\(name)'", errno: -fd) }
        self.fd = fd
        self.kind = kind
        self.name = String(decoding: chosen.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        hasVirtioHeader = useVirtioHeader
        if useVirtioHeader {
            let rc = hz_tun_set_vnet_hdr_size(fd, Int32(VirtioNetHeader.size))
            guard rc == 0 else {
                Glibc.close(fd)
                throw TUNError("cannot set the virtio header size on \(self.name)", errno: -rc)
            }
            self.offloads = Self.negotiateOffloads(fd)
        } else {
            self.offloads = []
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }

    deinit { close() }

    /// Asks for the most and steps down: USO needs Linux 6.2, TSO any kernel with vnet headers.
    private static func negotiateOffloads(_ fd: Int32) -> TUNOffloads {
        let tso = UInt32(HZ_TUN_F_CSUM | HZ_TUN_F_TSO4 | HZ_TUN_F_TSO6)
        let uso = UInt32(HZ_TUN_F_USO4 | HZ_TUN_F_USO6)
        if hz_tun_set_offload(fd, tso | uso) == 0 { return [.checksum, .tcpSegmentation, .udpSegmentation] }
        if hz_tun_set_offload(fd, tso) == 0 { return [.checksum, .tcpSegmentation] }
        if hz_tun_set_offload(fd, UInt32(HZ_TUN_F_CSUM)) == 0 { return [.checksum] }
        return []
    }

    public func close() {
        guard fd >= 0 else { return }
        Glibc.close(fd)
        fd = -1
    }

    // MARK: - Interface settings (in the calling thread's network namespace)

    public func mtu() throws(TUNError) -> Int {
        let rc = hz_netif_get_mtu(name)
        guard rc >= 0 else { throw TUNError("cannot read the MTU of \(name)", errno: -rc) }
        return Int(rc)
    }

    public func setMTU(_ mtu: Int) throws(TUNError) {
        let rc = hz_netif_set_mtu(name, Int32(mtu))
        guard rc == 0 else { throw TUNError("cannot set the MTU of \(name) to \(mtu)", errno: -rc) }
    }

    public func isUp() throws(TUNError) -> Bool {
        let rc = hz_netif_is_up(name)
        guard rc >= 0 else { throw TUNError("cannot read the flags of \(name)", errno: -rc) }
        return rc == 1
    }

    public func setUp(_ up: Bool) throws(TUNError) {
        let rc = hz_netif_set_up(name, up ? 1 : 0)
        guard rc == 0 else { throw TUNError("cannot bring \(name) \(up ? "up" : "down")", errno: -rc) }
    }

    // MARK: - Packet I/O (never throws)

    /// One read: a packet (with its virtio header first when `hasVirtioHeader`).
    /// Returns the byte count, or -errno (-EAGAIN when nothing is queued).
    @inline(__always)
    public func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
        return n >= 0 ? n : -Int(errno)
    }

    /// Waits until a read would not block. False on timeout or error.
    public func waitReadable(timeoutMilliseconds: Int32) -> Bool {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, timeoutMilliseconds) == 1 && entry.revents & Int16(POLLIN) != 0
    }

    /// Writes everything `coalescer` holds, one writev per packet or superpacket, and empties it.
    public func write(_ coalescer: PacketCoalescer) -> TUNWriteResult {
        var result = TUNWriteResult()
        coalescer.flush { pieces in
            if writev(fd, pieces.baseAddress, Int32(pieces.count)) >= 0 {
                result.writes += 1
            } else {
                result.failures += 1
                result.lastErrno = errno
            }
        }
        return result
    }
}

/// What one `TUNDevice.write` did. Failed writes are dropped packets, not errors to throw.
public struct TUNWriteResult: Equatable, Sendable {
    public var writes = 0
    public var failures = 0
    public var lastErrno: Int32 = 0
}
