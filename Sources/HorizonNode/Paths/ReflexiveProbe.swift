import HorizonCore
import HorizonNAT
import HorizonUDP

/// One Binding request from the device's socket to a relay: its answer is the address the
/// relay sees WireGuard at (a server-reflexive candidate), and its round trip says how near
/// the relay is.
struct ReflexiveProbe: Sendable {
    var relay: PathRelay
    let transactionID: STUNTransactionID
    let request: [UInt8]
    var sentAt: MonotonicTime
    var mapped: UDPAddress?
    var rtt: Duration?

    init(relay: PathRelay, now: MonotonicTime) {
        self.relay = relay
        let message = STUNMessage(type: .bindingRequest)
        transactionID = message.transactionID
        request = message.encoded(fingerprint: true)
        sentAt = now
    }
}
