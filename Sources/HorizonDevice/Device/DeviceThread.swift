#if canImport(Glibc)
import Glibc
#endif

/// Starts a named OS thread for one of the device's loops. Named threads show up in
/// `top -H` and `perf`, which is how the packet path gets profiled.
public enum DeviceThread {
    private final class Body {
        let name: String
        let run: () -> Void
        init(name: String, _ run: @escaping () -> Void) {
            self.name = name
            self.run = run
        }
    }

    /// Runs `body` on a new detached thread. The name is cut to the kernel's 15 bytes.
    public static func start(name: String, _ body: @escaping () -> Void) {
        let context = Unmanaged.passRetained(Body(name: name, body)).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { raw in
            let body = Unmanaged<Body>.fromOpaque(raw!).takeRetainedValue()
            DeviceThread.nameCurrentThread(body.name)
            body.run()
            return nil
        }, context)
        precondition(rc == 0, "cannot start thread \(name): error \(rc)")
        pthread_detach(thread)
    }

    /// Writes the thread's name where the kernel keeps it (what prctl(PR_SET_NAME) does).
    private static func nameCurrentThread(_ name: String) {
        let fd = open("/proc/thread-self/comm", O_WRONLY)
        guard fd >= 0 else { return }
        let short = Array(name.utf8.prefix(15))
        _ = short.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }
}
