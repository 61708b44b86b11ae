#if canImport(Glibc)
import Glibc
#endif

/// The fields of a plain IPv4/IPv6 TCP packet that decide whether it may be merged with
/// its neighbours (Linux `tcp_gro_receive` rules). Parsing yields nil for anything that
/// must be written untouched: other protocols, IP options or extension headers,
/// fragments, control flags other than ACK/PSH, empty payloads, bad checksums (when asked
/// to verify them).
struct TCPSegment {
    static let flagACK: UInt8 = 0x10
    static let flagPSH: UInt8 = 0x08

    let isIPv6: Bool
    let ipHeaderLength: Int
    let tcpHeaderLength: Int
    let payloadLength: Int
    let sequence: UInt32
    let flow: FlowKey

    var headersLength: Int { ipHeaderLength + tcpHeaderLength }

    init?(_ p: UnsafeMutableRawPointer, count: Int, verifyingChecksum: Bool) {
        guard count >= 40 else { return nil }
        switch p.byte(at: 0) >> 4 {
        case 4:
            // IHL 5 only; no MF, fragment offset 0 (DF may be set).
            guard p.byte(at: 0) == 0x45, p.byte(at: 9) == 6, Int(p.be16(at: 2)) == count,
                  p.be16(at: 6) & 0x3FFF == 0, IPv4Header.checksumIsValid(p, headerLength: 20) else { return nil }
            isIPv6 = false
            ipHeaderLength = 20
            flow = FlowKey(v4: p)
        case 6:
            guard count >= 60, p.byte(at: 6) == 6, Int(p.be16(at: 4)) + 40 == count else { return nil }
            isIPv6 = true
            ipHeaderLength = 40
            flow = FlowKey(v6: p)
        default:
            return nil
        }
        let tcp = p + ipHeaderLength
        tcpHeaderLength = Int(tcp.byte(at: 12) >> 4) * 4
        payloadLength = count - ipHeaderLength - tcpHeaderLength
        let flags = tcp.byte(at: 13)
        guard tcpHeaderLength >= 20, payloadLength > 0, flags & Self.flagACK != 0,
              flags & ~(Self.flagACK | Self.flagPSH) == 0 else { return nil }
        if verifyingChecksum {
            let tcpLength = count - ipHeaderLength
            let sum = InternetChecksum.sum(tcp, count: tcpLength, initial: InternetChecksum.pseudoHeaderSum(
                ip: p, isIPv6: isIPv6, protocol: 6, length: tcpLength))
            guard InternetChecksum.fold(sum) == 0xFFFF else { return nil }
        }
        sequence = tcp.be32(at: 4)
    }

    /// True when `next` may follow `head` inside one superpacket, header-wise: same IP
    /// header apart from length/ID/checksum, same ACK, window and options. Sequence,
    /// size and ID continuity are checked by the caller, which knows the run so far.
    static func headersMatch(head: UnsafeMutableRawPointer, next: UnsafeMutableRawPointer, segment: TCPSegment) -> Bool {
        if segment.isIPv6 {
            // Version/traffic class/flow label, and hop limit.
            guard head.loadUnaligned(as: UInt32.self) == next.loadUnaligned(as: UInt32.self),
                  head.byte(at: 7) == next.byte(at: 7) else { return false }
        } else {
            // TOS, flags (DF), TTL.
            guard head.byte(at: 1) == next.byte(at: 1), head.be16(at: 6) == next.be16(at: 6),
                  head.byte(at: 8) == next.byte(at: 8) else { return false }
        }
        let h = head + segment.ipHeaderLength, n = next + segment.ipHeaderLength
        // ACK number, then data offset + flags (PSH aside) + window, then options.
        guard h.be32(at: 8) == n.be32(at: 8), h.byte(at: 12) == n.byte(at: 12),
              h.be16(at: 14) == n.be16(at: 14) else { return false }
        let optionBytes = segment.tcpHeaderLength - 20
        return optionBytes == 0 || memcmp(h + 20, n + 20, optionBytes) == 0
    }
}

/// The 4-tuple of a TCP connection, as raw address bytes (compared, never interpreted).
struct FlowKey: Equatable {
    var addresses: (UInt64, UInt64, UInt64, UInt64)
    var ports: UInt32

    init(v4 p: UnsafeMutableRawPointer) {
        addresses = (p.loadUnaligned(fromByteOffset: 12, as: UInt64.self), 0, 0, 0)
        ports = p.loadUnaligned(fromByteOffset: 20, as: UInt32.self)
    }

    init(v6 p: UnsafeMutableRawPointer) {
        addresses = (p.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                     p.loadUnaligned(fromByteOffset: 16, as: UInt64.self),
                     p.loadUnaligned(fromByteOffset: 24, as: UInt64.self),
                     p.loadUnaligned(fromByteOffset: 32, as: UInt64.self))
        ports = p.loadUnaligned(fromByteOffset: 40, as: UInt32.self)
    }

    static func == (a: FlowKey, b: FlowKey) -> Bool {
        a.ports == b.ports && a.addresses.0 == b.addresses.0 && a.addresses.1 == b.addresses.1
            && a.addresses.2 == b.addresses.2 && a.addresses.3 == b.addresses.3
    }
}
