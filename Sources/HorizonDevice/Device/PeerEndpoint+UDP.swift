import HorizonUDP
import HorizonWireGuard

/// The engine names endpoints without knowing sockets; these translate at the boundary.
extension PeerEndpoint {
    init(_ datagram: UDPDatagram) {
        self.init(address: datagram.source.ip, port: datagram.source.port,
                  localAddress: datagram.destination?.ip, localInterface: datagram.destination?.interfaceIndex ?? 0)
    }

    var udpAddress: UDPAddress { UDPAddress(ip: address, port: port) }

    var localSource: LocalAddress? {
        localAddress.map { LocalAddress(ip: $0, interfaceIndex: localInterface) }
    }
}
