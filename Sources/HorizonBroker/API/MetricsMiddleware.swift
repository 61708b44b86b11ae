import Prometheus
import Vapor

/// Counts requests and measures their latency per method, route pattern and status, into
/// the broker's own registry (served at `GET /metrics`). Route patterns, not raw paths,
/// keep the number of series bounded.
struct MetricsMiddleware: AsyncMiddleware {
    let registry: PrometheusCollectorRegistry
    static let buckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next.respond(to: request)
        let elapsed = ContinuousClock.now - start
        let route = request.route.map { "/" + $0.path.map(\.description).joined(separator: "/") } ?? "unmatched"
        let method = request.method.rawValue
        registry.makeCounter(
            name: "horizon_http_requests_total",
            labels: [("method", method), ("route", route), ("status", String(response.status.code))],
            help: "HTTP requests handled, by method, route and status."
        ).increment()
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        registry.makeValueHistogram(
            name: "horizon_http_request_duration_seconds", labels: [("method", method), ("route", route)],
            buckets: Self.buckets, help: "Time to handle an HTTP request, in seconds."
        ).record(seconds)
        return response
    }
}
