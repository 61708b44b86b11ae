import Synchronization
import Vapor

/// One of the broker's background loops: started when the application boots, cancelled and
/// awaited when it shuts down. `make` runs at boot (synchronously, so both `boot()` and
/// `asyncBoot()` start it) and returns the loop, which should end soon after cancellation.
final class BackgroundLoop: LifecycleHandler, Sendable {
    private let make: @Sendable (Application) -> @Sendable () async -> Void
    private let task = Mutex<Task<Void, Never>?>(nil)

    init(_ make: @escaping @Sendable (Application) -> @Sendable () async -> Void) {
        self.make = make
    }

    func didBoot(_ application: Application) throws {
        let loop = Task(operation: make(application))
        task.withLock { $0 = loop }
    }

    func shutdown(_ application: Application) {
        task.withLock { $0 }?.cancel()
    }

    func shutdownAsync(_ application: Application) async {
        let loop = task.withLock { $0.take() }
        loop?.cancel()
        await loop?.value
    }
}
