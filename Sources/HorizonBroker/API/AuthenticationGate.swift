import HTTPTypes
import OpenAPIRuntime

/// Refuses, before any body is decoded, every operation that the document does not mark
/// public (`security: []`) when the request did not authenticate. The document is the one
/// place that says which operations need a token; handlers still ask for the principal
/// they act as (`RequestContext.requireUser()` and friends).
struct AuthenticationGate: ServerMiddleware {
    let publicOperations: Set<String>

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        if !publicOperations.contains(operationID) {
            _ = try RequestContext.get().requireUser()
        }
        return try await next(request, body, metadata)
    }

    /// Operation ids whose `security` is an empty list in the OpenAPI document.
    static func publicOperations(in document: [String: (any Sendable)?]) -> Set<String> {
        let paths = document["paths"] as? [String: (any Sendable)?] ?? [:]
        var ids = Set<String>()
        for case let item as [String: (any Sendable)?] in paths.values.compactMap({ $0 }) {
            for case let operation as [String: (any Sendable)?] in item.values.compactMap({ $0 }) {
                if let security = operation["security"] as? [(any Sendable)?], security.isEmpty,
                   let id = operation["operationId"] as? String {
                    ids.insert(id)
                }
            }
        }
        return ids
    }
}
