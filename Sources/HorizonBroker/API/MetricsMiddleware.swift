import Prometheus
import Synchronization
import Vapor

/// Counts requests and measures their latency per method, route pattern and status, into
/// the broker's own registry (served at `GET /metrics`). Route patterns, not raw paths,
/// keep the number of series bounded.
final class MetricsMiddleware: AsyncMiddleware, Sendable {
    static let buckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    /// One series pair per route, method and status, found by the route's identity: asking the
    /// registry each time validates names and labels and builds the route's pattern string,
    /// on every request.
    private struct SeriesKey: Hashable {
        var route: ObjectIdentifier?
        var method: String
        var status: UInt
    }

    private struct Series {
        var requests: Counter
        var duration: ValueHistogram
    }

    let registry: PrometheusCollectorRegistry
    private let series = Mutex<[SeriesKey: Series]>([:])

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next.respond(to: request)
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let found = self.series(for: request, status: response.status.code)
        found.requests.increment()
        found.duration.record(seconds)
        return response
    }

    private func series(for request: Request, status: UInt) -> Series {
        let key = SeriesKey(route: request.route.map(ObjectIdentifier.init), method: request.method.rawValue, status: status)
        if let known = series.withLock({ $0[key] }) { return known }
        let route = request.route.map { "/" + $0.path.map(\.description).joined(separator: "/") } ?? "unmatched"
        let made = Series(
            requests: registry.makeCounter(
                name: "horizon_http_requests_total",
                labels: [("method", key.method), ("route", route), ("status", String(status))],
                help: "HTTP requests handled, by method, route and status."),
            duration: registry.makeValueHistogram(
                name: "horizon_http_request_duration_seconds", labels: [("method", key.method), ("route", route)],
                buckets: Self.buckets, help: "Time to handle an HTTP request, in seconds."))
        series.withLock { $0[key] = made }
        return made
    }
}
