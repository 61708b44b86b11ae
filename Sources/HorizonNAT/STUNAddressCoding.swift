import HorizonCore
import HorizonUDP

/// The value of MAPPED-ADDRESS and of the XOR-*-ADDRESS attributes (RFC 8489 §14.1–14.2):
/// a reserved byte, family (1 IPv4, 2 IPv6), port, address. The XOR forms mix port and
/// address with the magic cookie (and, for IPv6, the transaction id) so that NATs which
/// rewrite addresses they find in payloads leave them alone.
enum STUNAddressCoding {
    static let familyIPv4: UInt8 = 0x01
    static let familyIPv6: UInt8 = 0x02

    /// `xor` is the message's transaction id for the XOR forms, nil for MAPPED-ADDRESS.
    static func decode(_ value: ArraySlice<UInt8>, xor transactionID: STUNTransactionID?) -> UDPAddress? {
        guard value.count >= 4 else { return nil }
        let mask = Mask(transactionID)
        let port = value.bigEndianUInt16(at: 2) ^ mask.port
        switch value[value.startIndex + 1] {
        case familyIPv4 where value.count == 8:
            return UDPAddress(ip: .v4(IPv4Address(value.bigEndianUInt32(at: 4) ^ mask.ipv4)), port: port)
        case familyIPv6 where value.count == 20:
            let high = value.bigEndianUInt64(at: 4) ^ mask.ipv6High
            let low = value.bigEndianUInt64(at: 12) ^ mask.ipv6Low
            return UDPAddress(ip: .v6(IPv6Address(high: high, low: low)), port: port)
        default:
            return nil
        }
    }

    static func encode(_ address: UDPAddress, xor transactionID: STUNTransactionID?) -> [UInt8] {
        let mask = Mask(transactionID)
        var out: [UInt8] = [0]
        switch address.ip {
        case .v4(let ip):
            out.append(familyIPv4)
            out.appendBigEndian(address.port ^ mask.port)
            out.appendBigEndian(ip.value ^ mask.ipv4)
        case .v6(let ip):
            out.append(familyIPv6)
            out.appendBigEndian(address.port ^ mask.port)
            out.appendBigEndian(ip.high ^ mask.ipv6High)
            out.appendBigEndian(ip.low ^ mask.ipv6Low)
        }
        return out
    }

    /// All zero for the plain form.
    private struct Mask {
        var port: UInt16 = 0
        var ipv4: UInt32 = 0
        var ipv6High: UInt64 = 0
        var ipv6Low: UInt64 = 0

        init(_ transactionID: STUNTransactionID?) {
            guard let transactionID else { return }
            let cookie = STUNMessage.magicCookie
            port = UInt16(cookie >> 16)
            ipv4 = cookie
            ipv6High = UInt64(cookie) << 32 | UInt64(transactionID.high)
            ipv6Low = transactionID.low
        }
    }
}
