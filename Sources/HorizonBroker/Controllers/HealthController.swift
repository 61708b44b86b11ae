import Fluent
import HorizonCore
import HorizonProtocol
import SQLKit
import Vapor

extension HealthStatus: Content {}

/// `GET /health`: 200 while the broker serves and its store answers, 503 otherwise.
struct HealthController: RouteCollection {
    let storeName: String

    func boot(routes: any RoutesBuilder) throws {
        routes.get("health", use: health)
    }

    @Sendable
    func health(req: Request) async throws -> Response {
        let reachable = await databaseAnswers(req.db)
        let status = HealthStatus(
            status: reachable ? .ok : .degraded,
            version: HorizonVersion.current,
            database: storeName,
            databaseReachable: reachable)
        let response = Response(status: reachable ? .ok : .serviceUnavailable)
        try response.content.encode(status)
        return response
    }

    private func databaseAnswers(_ db: any Database) async -> Bool {
        guard let sql = db as? any SQLDatabase else { return false }
        return (try? await sql.raw("SELECT 1").run()) != nil
    }
}
