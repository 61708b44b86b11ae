import Fluent
import HorizonCore
import OpenAPIRuntime
import SQLKit

/// `GET /health`, `GET /metrics`, `GET /openapi.json`: public, unauthenticated.
extension BrokerAPI {
    func getHealth(_ input: Operations.GetHealth.Input) async throws -> Operations.GetHealth.Output {
        let reachable = await databaseAnswers(try RequestContext.get().db)
        let status = Components.Schemas.HealthStatus(
            status: reachable ? .ok : .degraded, version: HorizonVersion.current,
            database: storeName, databaseReachable: reachable)
        return reachable ? .ok(.init(body: .json(status))) : .serviceUnavailable(.init(body: .json(status)))
    }

    func getMetrics(_ input: Operations.GetMetrics.Input) async throws -> Operations.GetMetrics.Output {
        .ok(.init(body: .plainText(HTTPBody(services.metrics.emitToString()))))
    }

    func getOpenAPIDocument(_ input: Operations.GetOpenAPIDocument.Input) async throws -> Operations.GetOpenAPIDocument.Output {
        .ok(.init(body: .json(.init(additionalProperties: document))))
    }

    private func databaseAnswers(_ db: any Database) async -> Bool {
        guard let sql = db as? any SQLDatabase else { return false }
        return (try? await sql.raw("SELECT 1").run()) != nil
    }
}
