import HorizonCore
import HorizonDevice
import HorizonNode
import Testing

/// Netmap peers onto a device: only differences are sent, so peers that stay keep their sessions.
@Suite struct PeerSyncTests {
    let a = PublicKey(base64: "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=")!
    let b = PublicKey(base64: "TrMvSoP4jYQlY6RIzBgbssQqY3vxI2Pi+y71lOWWXX0=")!
    let c = PublicKey(base64: "gN65BkIKy1eCE9pP1wdc8ROUtkHLF2PfAqYdyYBz6EA=")!

    func prefix(_ text: String) -> IPPrefix { IPPrefix(text)! }

    @Test func addsRemovesAndLeavesUnchangedPeersAlone() {
        let current = [
            UAPIPeerSnapshot(publicKey: a, allowedIPs: [prefix("100.64.0.2/32")]),
            UAPIPeerSnapshot(publicKey: b, allowedIPs: [prefix("100.64.0.3/32")]),
        ]
        let desired = [
            DesiredPeer(publicKey: a, allowedIPs: [prefix("100.64.0.2/32")]),
            DesiredPeer(publicKey: c, allowedIPs: [prefix("100.64.0.4/32"), prefix("fd00::4/128")]),
        ]
        #expect(PeerSync.operations(from: current, to: desired) == [
            .peer(b), .removePeer,
            .peer(c), .replaceAllowedIPs, .allowedIP(prefix("100.64.0.4/32")), .allowedIP(prefix("fd00::4/128")),
        ])
        #expect(PeerSync.operations(from: current, to: []) == [.peer(a), .removePeer, .peer(b), .removePeer])
    }

    @Test func changedAllowedIPsAreReplacedAndARoamedEndpointIsKept() {
        let roamed = Endpoint(host: .address(IPAddress("192.0.2.9")!), port: 4000)
        let current = [UAPIPeerSnapshot(publicKey: a, endpoint: roamed, persistentKeepaliveInterval: 25, allowedIPs: [prefix("0.0.0.0/0")])]
        let fromBroker = Endpoint(host: .address(IPAddress("192.0.2.1")!), port: 51820)
        let same = DesiredPeer(publicKey: a, endpoint: fromBroker, allowedIPs: [prefix("0.0.0.0/0")], persistentKeepalive: 25)
        #expect(PeerSync.operations(from: current, to: [same]).isEmpty)

        var split = same
        split.allowedIPs = [prefix("10.0.0.0/8")]
        #expect(PeerSync.operations(from: current, to: [split]) == [.peer(a), .replaceAllowedIPs, .allowedIP(prefix("10.0.0.0/8"))])

        let fresh = [UAPIPeerSnapshot(publicKey: a, persistentKeepaliveInterval: 25, allowedIPs: [prefix("0.0.0.0/0")])]
        #expect(PeerSync.operations(from: fresh, to: [same]) == [.peer(a), .endpoint(fromBroker)])
    }
}
