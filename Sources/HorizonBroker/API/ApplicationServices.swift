import Vapor

extension Application {
    private struct ServicesKey: StorageKey {
        typealias Value = BrokerServices
    }

    /// The services `Broker.configure` built for this application, for code that runs
    /// beside the request handlers (background tasks, tests).
    var brokerServices: BrokerServices? {
        get { storage[ServicesKey.self] }
        set { storage[ServicesKey.self] = newValue }
    }
}
