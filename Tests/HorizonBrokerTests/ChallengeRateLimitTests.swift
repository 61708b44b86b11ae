import Foundation
@testable import HorizonBroker
import HorizonCore
import Testing

/// `POST /api/v1/nodes/challenges` is public and each challenge is a row: besides the limit
/// per address, one broker hands out at most a burst, then a steady rate, to all addresses
/// together, in constant memory.
@Suite struct ChallengeRateLimitTests {
    @Test func theBucketRefillsAtItsRate() {
        let bucket = TokenBucket(perSecond: 2, burst: 3)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        #expect((0..<3).allSatisfy { _ in bucket.take(now: start) == nil })
        #expect(bucket.take(now: start) == 1, "empty: a token is due within a second")
        #expect(bucket.take(now: start.addingTimeInterval(0.5)) == nil, "half a second brings one at 2/s")
        #expect(bucket.take(now: start.addingTimeInterval(0.5)) != nil)
        #expect((0..<3).allSatisfy { _ in bucket.take(now: start.addingTimeInterval(60)) == nil }, "refills up to the burst only")
        #expect(bucket.take(now: start.addingTimeInterval(60)) != nil)
    }

    @Test(arguments: TestStore.available)
    func manyAddressesTogetherAreLimited(store: TestStore) async throws {
        let clock = TestClock()
        try await store.withBroker(clock: clock.brokerClock) { app, _ in
            let challenges = try #require(app.brokerServices).challenges
            let key = try NodeInput.publicKey(TestNodeKey().publicKey)
            func ask(_ index: Int) async throws -> APIError? {
                do {
                    _ = try await challenges.issue(for: key, from: "198.51.\(index / 256).\(index % 256)", on: app.db)
                    return nil
                } catch let error as APIError {
                    return error
                }
            }
            for index in 0..<200 { #expect(try await ask(index) == nil) }
            let refused = try #require(try await ask(200))
            #expect(refused.status == .tooManyRequests && refused.code == "rate_limited")
            clock.advance(1)
            for index in 201..<251 { #expect(try await ask(index) == nil) }
            #expect(try await ask(251) != nil)
        }
    }
}
