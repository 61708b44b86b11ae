import Foundation

/// Runs a blocking call (a TURN request that waits for its answer, a namespace switch) on a
/// thread of its own, so it never holds one of the few cooperative threads Swift
/// concurrency has (two on a two-core host).
func blockingCall<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}
