import HorizonWireGuard
import Testing

@Suite struct ProtocolConstantsTests {
    /// The timer relations the protocol relies on (WireGuard paper §6.1–6.4).
    @Test func timersAreOrderedAsThePaperRequires() {
        #expect(ProtocolConstants.rekeyAfterTime < ProtocolConstants.rejectAfterTime)
        #expect(ProtocolConstants.rekeyTimeout < ProtocolConstants.rekeyAttemptTime)
        #expect(ProtocolConstants.rekeyAfterMessages < ProtocolConstants.rejectAfterMessages)
    }
}
