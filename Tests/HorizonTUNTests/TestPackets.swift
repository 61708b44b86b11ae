/// Builders for IPv4/IPv6 TCP and UDP packets with correct checksums (computed with
/// `ReferenceChecksum`), and field readers, for the offload tests.
struct TCPPacketSpec {
    var ipv6 = false
    var source: [UInt8] = [10, 0, 0, 1]
    var destination: [UInt8] = [10, 0, 0, 2]
    var sourcePort: UInt16 = 40_000
    var destinationPort: UInt16 = 5201
    var sequence: UInt32 = 1_000_000
    var acknowledgment: UInt32 = 777
    var flags: UInt8 = 0x10          // ACK
    var window: UInt16 = 502
    var options: [UInt8] = []
    var ipID: UInt16 = 100
    var ttl: UInt8 = 64
    var dontFragment = true
    var payload: [UInt8] = []

    static let v6Source: [UInt8] = [0xFD, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]
    static let v6Destination: [UInt8] = [0xFD, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]

    static func ipv6Spec() -> TCPPacketSpec {
        var spec = TCPPacketSpec()
        spec.ipv6 = true
        spec.source = v6Source
        spec.destination = v6Destination
        return spec
    }

    func build() -> [UInt8] {
        var tcp = [UInt8]()
        tcp += be32(UInt32(sourcePort) << 16 | UInt32(destinationPort))
        tcp += be32(sequence) + be32(acknowledgment)
        tcp += [UInt8((20 + options.count) / 4) << 4, flags] + be16(window) + [0, 0, 0, 0]
        tcp += options + payload
        return IPPacket.wrap(tcp, protocol: 6, spec: IPFields(ipv6: ipv6, source: source, destination: destination,
                                                              id: ipID, ttl: ttl, dontFragment: dontFragment))
    }
}

struct IPFields {
    var ipv6: Bool
    var source: [UInt8]
    var destination: [UInt8]
    var id: UInt16 = 1
    var ttl: UInt8 = 64
    var dontFragment = true
}

enum IPPacket {
    /// Prepends an IP header to a transport segment and fills in every checksum.
    static func wrap(_ transport: [UInt8], protocol proto: UInt8, spec: IPFields) -> [UInt8] {
        var ip: [UInt8]
        if spec.ipv6 {
            ip = [0x60, 0, 0, 0] + be16(UInt16(transport.count)) + [proto, spec.ttl] + spec.source + spec.destination
        } else {
            ip = [0x45, 0] + be16(UInt16(20 + transport.count)) + be16(spec.id)
                + [spec.dontFragment ? 0x40 : 0, 0, spec.ttl, proto, 0, 0] + spec.source + spec.destination
            let checksum = ~ReferenceChecksum.fold(ReferenceChecksum.sum(ip[...]))
            ip[10] = UInt8(checksum >> 8)
            ip[11] = UInt8(checksum & 0xFF)
        }
        var packet = ip + transport
        let l4 = ip.count
        let field = l4 + (proto == 6 ? 16 : 6)
        if proto == 6 || proto == 17 {
            let sum = ReferenceChecksum.sum(packet[l4...], initial: ReferenceChecksum.pseudoHeader(packet, protocol: proto, length: transport.count))
            var checksum = ~ReferenceChecksum.fold(sum)
            if proto == 17, checksum == 0 { checksum = 0xFFFF }
            packet[field] = UInt8(checksum >> 8)
            packet[field + 1] = UInt8(checksum & 0xFF)
        }
        return packet
    }

    static func udp(ipv6: Bool, sourcePort: UInt16, destinationPort: UInt16, payload: [UInt8],
                    source: [UInt8]? = nil, destination: [UInt8]? = nil, id: UInt16 = 1) -> [UInt8] {
        let udp = be16(sourcePort) + be16(destinationPort) + be16(UInt16(8 + payload.count)) + [0, 0] + payload
        let fields = IPFields(ipv6: ipv6,
                              source: source ?? (ipv6 ? TCPPacketSpec.v6Source : [10, 0, 0, 1]),
                              destination: destination ?? (ipv6 ? TCPPacketSpec.v6Destination : [10, 0, 0, 2]), id: id)
        return wrap(udp, protocol: 17, spec: fields)
    }
}

func be16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xFF)] }
func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }

/// Field readers over packet bytes.
extension Array where Element == UInt8 {
    func be16(at i: Int) -> UInt16 { UInt16(self[i]) << 8 | UInt16(self[i + 1]) }
    func be32(at i: Int) -> UInt32 { UInt32(be16(at: i)) << 16 | UInt32(be16(at: i + 2)) }
    var ipHeaderLength: Int { self[0] >> 4 == 6 ? 40 : Int(self[0] & 0x0F) * 4 }
    var tcpHeaderLength: Int { Int(self[ipHeaderLength + 12] >> 4) * 4 }
    var tcpFlags: UInt8 { self[ipHeaderLength + 13] }
    var tcpSequence: UInt32 { be32(at: ipHeaderLength + 4) }
    var tcpPayload: ArraySlice<UInt8> { self[(ipHeaderLength + tcpHeaderLength)...] }
}

/// A deterministic byte pattern so payload mix-ups show.
func pattern(_ count: Int, seed: Int = 0) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: ($0 &* 31) ^ ($0 >> 8) &+ seed) }
}
