import HorizonCore
import HorizonUDP

/// A plain UDP socket on loopback standing in for a peer on the far side of a relay.
final class UDPPeer {
    let socket: UDPSocket
    private let batch = UDPReceiveBatch(messageSlots: 8, bufferSize: 65_536)
    private let sendBatch = UDPSendBatch(capacity: 1)

    init(address: IPAddress = .v4(IPv4Address(127, 0, 0, 1))) throws {
        socket = try UDPSocket(family: address.isIPv4 ? .ipv4 : .ipv6, address: address)
    }

    var address: UDPAddress { UDPAddress(ip: .v4(IPv4Address(127, 0, 0, 1)), port: socket.port) }

    func send(_ bytes: [UInt8], to destination: UDPAddress) {
        bytes.withUnsafeBytes { raw in
            sendBatch.append(raw, to: destination)
            _ = socket.send(sendBatch)
            sendBatch.removeAll()
        }
    }

    /// The next datagram within `milliseconds`, or nil.
    func receive(milliseconds: Int = 2000) -> (source: UDPAddress, bytes: [UInt8])? {
        socket.setReceiveTimeout(milliseconds: milliseconds)
        guard socket.receive(into: batch) > 0 else { return nil }
        let datagram = batch.datagram(0)
        return (datagram.source, Array(datagram.bytes))
    }
}
