import HorizonCore
import HorizonNAT
import HorizonUDP
import Testing

/// `TURNRelayProxy` between two plain sockets through coturn on loopback: what "the device"
/// sends to the proxy's endpoint reaches the far peer from the relayed address, and back;
/// STUN arriving through the relay goes to the check handler instead.
@Suite struct TURNRelayProxyTests {
    @Test(.enabled(if: CoturnProcess.executable != nil, "coturn is not installed (apt-get install coturn)"))
    func bridgesALocalSocketToAChannel() throws {
        let coturn = try CoturnProcess(stunOnly: false)
        defer { coturn.stop() }
        let device = try UDPPeer()
        let far = try UDPPeer()
        let proxy = try TURNRelayProxy(server: coturn.address, credentials: CoturnProcess.credentials,
                                       timing: TURNCoturnTests.timing)
        defer { proxy.close() }
        let relayed = try proxy.allocate().relayed
        try proxy.connect(to: far.address)
        #expect(proxy.endpoint.ip == CoturnProcess.loopback && proxy.endpoint.port != 0)

        // Before the device spoke, the proxy does not know where to deliver.
        far.send([0], to: relayed)
        #expect(device.receive(milliseconds: 300) == nil)

        let outbound = (0..<1400).map { UInt8(truncatingIfNeeded: $0) }
        device.send(outbound, to: proxy.endpoint)
        let atFar = try #require(far.receive())
        #expect(atFar.source == relayed && atFar.bytes == outbound)
        for i in 0..<50 {
            far.send([UInt8(i), 1, 2, 3], to: relayed)
            let back = try #require(device.receive())
            #expect(back.source == proxy.endpoint && back.bytes == [UInt8(i), 1, 2, 3])
        }

        let checks = DataInbox()
        proxy.setCheckHandler { checks.put($0, $1) }
        let check = STUNMessage(type: .bindingRequest).encoded(fingerprint: true)
        far.send(check, to: relayed)
        #expect(checks.take()?.1 == check)
        #expect(device.receive(milliseconds: 300) == nil)
        #expect(proxy.counters.toDevice == 50 && proxy.counters.toRelay == 1 && proxy.counters.dropped == 1)
    }
}
