@testable import HorizonDevice
import HorizonCore
import HorizonUDP
import Testing

/// The device's ChannelData framing: what the receive loop unwraps (only WireGuard inside a
/// well-formed ChannelData datagram) and the header the send path writes into the headroom.
@Suite struct RelayChannelFramingTests {
    /// A WireGuard keepalive-sized transport message (type 4, reserved zeros).
    static let wireGuard: [UInt8] = [4, 0, 0, 0] + Array(repeating: 0xAB, count: 28)

    /// [channel, length] as `unwrap` reads them; [0, 0] when it leaves the datagram whole.
    static func unwrap(_ bytes: [UInt8]) -> [Int] {
        let header = bytes.withUnsafeBytes { RelayChannelFraming.unwrap($0) }
        return [Int(header?.channel ?? 0), header?.length ?? 0]
    }

    @Test func unwrapsWireGuardOnAChannel() {
        let framed: [UInt8] = [0x40, 0x01, 0x00, 0x20] + Self.wireGuard
        #expect(Self.unwrap(framed) == [0x4001, 32])
        // Up to 3 bytes of padding after the data (RFC 8656 §12.5) are allowed and not data.
        let padded: [UInt8] = [0x40, 0x01, 0x00, 0x1E] + Array(Self.wireGuard.prefix(30)) + [0, 0]
        let unpadded: [UInt8] = [0x40, 0x01, 0x00, 0x1F] + Array(Self.wireGuard.dropLast())
        #expect(Self.unwrap(unpadded) == [0x4001, 31])
        #expect(Self.unwrap(padded) == [0x4001, 30])
    }

    @Test func leavesEverythingElseWhole() {
        let stunInside: [UInt8] = [0x40, 0x01, 0x00, 0x14, 0x00, 0x01, 0x00, 0x00] + Array(repeating: 0, count: 16)
        let cases: [[UInt8]] = [
            [0x3F, 0xFF, 0x00, 0x20] + Self.wireGuard,            // not a channel number
            [0x80, 0x00, 0x00, 0x20] + Self.wireGuard,            // above the channel range
            [0x40, 0x01, 0x00, 0x21] + Self.wireGuard,            // length beyond the datagram
            [0x40, 0x01, 0x00, 0x1B] + Self.wireGuard,            // more than 3 bytes after the data
            [0x40, 0x01, 0x00, 0x04, 4, 0, 0],                   // too short
            [0x40, 0x01, 0x00, 0x03, 4, 0, 0],                   // data too short for WireGuard
            [0x40, 0x01, 0x00, 0x20, 5, 0, 0, 0] + Array(Self.wireGuard.dropFirst(4)),   // type 5
            [0x40, 0x01, 0x00, 0x20, 4, 1, 0, 0] + Array(Self.wireGuard.dropFirst(4)),   // reserved byte set
            stunInside,                                           // a check through the channel
            Self.wireGuard,                                       // plain WireGuard
        ]
        for bytes in cases {
            #expect(Self.unwrap(bytes) == [0, 0], "\(bytes.prefix(8))")
        }
    }

    @Test func framesIntoTheHeadroomAndUnwrapsBack() {
        var slot = [UInt8](repeating: 0xEE, count: RelayChannelFraming.headroom) + Self.wireGuard
        let framed = slot.withUnsafeMutableBytes { raw in
            Array(RelayChannelFraming.frame(raw.baseAddress! + RelayChannelFraming.headroom, length: Self.wireGuard.count, channel: 0x4FFF))
        }
        #expect(framed == [0x4F, 0xFF, 0x00, 0x20] + Self.wireGuard)
        #expect(Self.unwrap(framed) == [0x4FFF, 32])
    }

    /// The receive loop's pass over a real batch: relayed WireGuard narrowed to the message
    /// with its channel noted, everything else left whole on channel 0.
    @Test func unwrapsARelayedBatchInPlace() throws {
        let loopback = IPAddress.v4(IPv4Address(127, 0, 0, 1))
        let receiver = try UDPSocket(family: .ipv4, address: loopback)
        let sender = try UDPSocket(family: .ipv4, address: loopback)
        defer { receiver.close(); sender.close() }
        let stunInside: [UInt8] = [0x40, 0x02, 0x00, 0x14, 0x00, 0x01, 0x00, 0x00] + Array(repeating: 0, count: 16)
        let sent: [[UInt8]] = [[0x40, 0x01, 0x00, 0x20] + Self.wireGuard, Self.wireGuard, stunInside,
                               [0x4F, 0xFF, 0x00, 0x1F] + Array(Self.wireGuard.dropLast()) + [0, 0, 0]]
        let out = UDPSendBatch(capacity: sent.count)
        let destination = UDPAddress(ip: loopback, port: receiver.port)
        let storage = Array(sent.joined())
        storage.withUnsafeBytes { all in
            var offset = 0
            for datagram in sent {
                out.append(UnsafeRawBufferPointer(rebasing: all[offset..<(offset + datagram.count)]), to: destination)
                offset += datagram.count
            }
            #expect(sender.send(out).sent == sent.count)
        }
        receiver.setReceiveTimeout(milliseconds: 2000)
        let batch = UDPReceiveBatch(messageSlots: 8, bufferSize: 2048)
        // Loopback queues all of one sendmmsg before it returns: one receive takes them.
        try #require(receiver.receive(into: batch) == sent.count)
        let channels = UnsafeMutablePointer<UInt16>.allocate(capacity: sent.count)
        defer { channels.deallocate() }
        RelayChannelFraming.unwrapRelayed(batch, count: batch.count, channels: channels)
        #expect(Array(UnsafeBufferPointer(start: channels, count: sent.count)) == [0x4001, 0, 0, 0x4FFF])
        let bytes = (0..<sent.count).map { Array(batch.datagram($0).bytes) }
        #expect(bytes == [Self.wireGuard, Self.wireGuard, stunInside, Array(Self.wireGuard.dropLast())])
    }
}
