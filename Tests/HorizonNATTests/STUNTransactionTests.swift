import HorizonCore
import Testing
@testable import HorizonNAT

@Suite struct STUNTransactionTests {
    @Test func rfc8489ScheduleSendsSevenTimesAndGivesUpAt39Point5Seconds() {
        let start = MonotonicTime(nanoseconds: 1_000_000_000)
        var transaction = STUNTransaction(request: STUNMessage(type: .bindingRequest), now: start)
        var sendTimes: [Int64] = [0]
        var now = start
        var outcome = STUNTransaction.Step.wait
        // Walk a manual clock in 100 ms steps; bounded.
        for _ in 0..<1000 {
            now = now + .milliseconds(100)
            outcome = transaction.step(now: now)
            if outcome == .retransmit { sendTimes.append(now.since(start).totalNanoseconds / 1_000_000) }
            if outcome == .timedOut { break }
        }
        #expect(sendTimes == [0, 500, 1500, 3500, 7500, 15500, 31500])
        #expect(outcome == .timedOut)
        #expect(now.since(start) == .milliseconds(39500))
        #expect(transaction.sends == 7)
        #expect(STUNRetransmission.rfc8489.totalTime == .milliseconds(39500))
    }

    @Test func recognisesOnlyItsOwnResponse() throws {
        let request = STUNMessage(type: .bindingRequest)
        let transaction = STUNTransaction(request: request, policy: STUNRetransmission(initialRTO: .milliseconds(10)), now: .zero)
        #expect(try STUNReceivedMessage.parse(transaction.request).message == request)
        let mine = STUNMessage(type: .bindingSuccess, transactionID: request.transactionID, attributes: [.software("x")])
        #expect(transaction.response(in: mine.encoded()) == mine)
        #expect(transaction.response(in: STUNMessage(type: .bindingSuccess).encoded()) == nil)
        #expect(transaction.response(in: request.encoded()) == nil)   // a request, not an answer
        let wrongMethod = STUNMessage(type: STUNMessageType(method: .allocate, messageClass: .successResponse),
                                      transactionID: request.transactionID)
        #expect(transaction.response(in: wrongMethod.encoded()) == nil)
        #expect(transaction.response(in: [1, 2, 3]) == nil)
    }
}
