#if canImport(Glibc)
import Glibc
#endif

/// Named threads that someone waits for as a group (DispatchGroup without Foundation): the
/// UAPI server's accept loop and clients, joined when it closes.
final class ThreadGroup: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let allDone = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var running = 0

    init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(allDone, nil)
    }

    deinit {
        pthread_cond_destroy(allDone)
        pthread_mutex_destroy(mutex)
        allDone.deallocate()
        mutex.deallocate()
    }

    func start(name: String, _ body: @escaping () -> Void) {
        pthread_mutex_lock(mutex)
        running += 1
        pthread_mutex_unlock(mutex)
        DeviceThread.start(name: name) { [self] in
            body()
            pthread_mutex_lock(mutex)
            running -= 1
            if running == 0 { pthread_cond_broadcast(allDone) }
            pthread_mutex_unlock(mutex)
        }
    }

    /// Blocks until every started thread has returned.
    func wait() {
        pthread_mutex_lock(mutex)
        while running > 0 { pthread_cond_wait(allDone, mutex) }
        pthread_mutex_unlock(mutex)
    }
}
