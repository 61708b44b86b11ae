@testable import HorizonBroker
import Testing

@Suite struct NetmapChangeHubTests {
    @Test func waiterWakesOnPublish() async throws {
        let hub = NetmapChangeHub()
        let start = hub.revision
        async let woken = hub.waitForChange(after: start, timeout: .seconds(30))
        // Publish until the waiter has registered and returned (it may register after the first).
        var result: UInt64?
        let publisher = Task {
            for _ in 0..<200 {
                hub.publish()
                try await Task.sleep(for: .milliseconds(10))
            }
        }
        result = await woken
        publisher.cancel()
        #expect(result.map { $0 > start } == true)
    }

    @Test func pastChangeReturnsAtOnce() async {
        let hub = NetmapChangeHub()
        hub.publish()
        hub.publish()
        #expect(await hub.waitForChange(after: 0, timeout: .seconds(30)) == 2)
    }

    @Test func timeoutReturnsUnchangedRevision() async {
        let hub = NetmapChangeHub()
        hub.publish()
        let clock = ContinuousClock()
        let started = clock.now
        #expect(await hub.waitForChange(after: 1, timeout: .milliseconds(50)) == 1)
        // Only tells a timeout from a wait for a change that never comes: a loaded machine
        // running the whole suite has taken 16 s to schedule a 50 ms timer.
        #expect(clock.now - started < .seconds(120))
    }

    @Test func cancellationEndsTheWait() async {
        let hub = NetmapChangeHub()
        let task = Task { await hub.waitForChange(after: 0, timeout: .seconds(60)) }
        try? await Task.sleep(for: .milliseconds(20))
        task.cancel()
        #expect(await task.value == 0)
    }
}
