import HTTPTypes
import OpenAPIRuntime

/// Refuses, before any body is decoded, every request whose credential does not fit the
/// operation: public operations (`security: []`) take anyone, node operations
/// (`security: [nodeAuth: []]`) a server's or device's credential, operations that list both
/// schemes either, and all others a user's token.
/// The document is the one place that says which is which; handlers still ask for the
/// principal they act as (`RequestContext.requireUser()`, `requireNode()` and friends).
struct AuthenticationGate: ServerMiddleware {
    let access: OperationAccess

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let context = try RequestContext.get()
        if access.nodeOperations.contains(operationID) {
            _ = try context.requireNode()
        } else if access.userOrNodeOperations.contains(operationID) {
            if case .node = context.authentication { return try await next(request, body, metadata) }
            _ = try context.requireUser()
        } else if !access.publicOperations.contains(operationID) {
            _ = try context.requireUser()
        }
        return try await next(request, body, metadata)
    }
}

/// The operation ids the OpenAPI document opens to everyone or reserves for nodes.
struct OperationAccess: Sendable {
    /// `security: []`.
    var publicOperations: Set<String> = []
    /// `security: [{nodeAuth: []}]`.
    var nodeOperations: Set<String> = []
    /// `security: [{bearerAuth: []}, {nodeAuth: []}]`: a user's token or a node credential.
    var userOrNodeOperations: Set<String> = []

    static let nodeScheme = "nodeAuth"

    init(document: [String: (any Sendable)?]) {
        let paths = document["paths"] as? [String: (any Sendable)?] ?? [:]
        for case let item as [String: (any Sendable)?] in paths.values.compactMap({ $0 }) {
            for case let operation as [String: (any Sendable)?] in item.values.compactMap({ $0 }) {
                guard let id = operation["operationId"] as? String,
                      let security = operation["security"] as? [(any Sendable)?] else { continue }
                let schemes = security.compactMap { $0 as? [String: (any Sendable)?] }.flatMap(\.keys)
                if security.isEmpty {
                    publicOperations.insert(id)
                } else if schemes == [Self.nodeScheme] {
                    nodeOperations.insert(id)
                } else if schemes.contains(Self.nodeScheme) {
                    userOrNodeOperations.insert(id)
                }
            }
        }
    }
}
