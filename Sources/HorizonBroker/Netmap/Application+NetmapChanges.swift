import Vapor

/// The application's ``NetmapChangeHub``, for code that holds the application rather than the
/// services (tests that change rows directly, benchmarks).
extension Application {
    private struct NetmapChangesKey: StorageKey {
        typealias Value = NetmapChangeHub
    }

    var netmapChanges: NetmapChangeHub? {
        get { storage[NetmapChangesKey.self] }
        set { storage[NetmapChangesKey.self] = newValue }
    }
}
