import Foundation
import HorizonBroker
import Testing
import Vapor
import Yams

/// The broker serves the document it is generated from, and its routes are exactly the
/// document's operations.
@Suite struct OpenAPIDocumentTests {
    static func servedDocument(_ api: APIClient) async throws -> [String: Any] {
        let res = try await api.send(.GET, "openapi.json")
        #expect(res.status == .ok)
        #expect(res.headers.contentType == .json)
        return try #require(try JSONSerialization.jsonObject(with: res.body) as? [String: Any])
    }

    static let methods = ["get", "put", "post", "delete", "patch", "head", "options"]

    /// Routes served outside the document's `paths` (see `routesAreExactlyTheDocumentsOperations`).
    static let webSocketRoutes: Set<String> = ["GET /api/v1/node/netmap/watch", "GET /api/v1/node/signal"]

    static func operations(_ document: [String: Any]) -> [(path: String, method: String, operation: [String: Any])] {
        let paths = document["paths"] as? [String: [String: Any]] ?? [:]
        return paths.sorted { $0.key < $1.key }.flatMap { path, item in
            methods.compactMap { method in (item[method] as? [String: Any]).map { (path, method, $0) } }
        }
    }

    @Test(arguments: TestStore.available)
    func servesItsOwnDocument(store: TestStore) async throws {
        try await store.withBroker { app, _ in
            let document = try await Self.servedDocument(APIClient(app: app))
            #expect((document["openapi"] as? String)?.hasPrefix("3.") == true)
            let info = try #require(document["info"] as? [String: Any])
            #expect(info["title"] as? String == "Horizon broker API")
            // The same document as openapi.yaml in the repository, value for value.
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            let yaml = try String(contentsOf: root.appendingPathComponent("openapi.yaml"), encoding: .utf8)
            let fromYAML = Self.jsonCompatible(try Yams.load(yaml: yaml))
            #expect(try Self.canonical(fromYAML) == Self.canonical(document))
        }
    }

    static func jsonCompatible(_ value: Any?) -> Any {
        switch value {
        case let map as [AnyHashable: Any]:
            return Dictionary(uniqueKeysWithValues: map.map { ("\($0.key.base)", jsonCompatible($0.value)) })
        case let list as [Any]: return list.map(jsonCompatible)
        case let value?: return value
        case nil: return NSNull()
        }
    }

    static func canonical(_ value: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]), as: UTF8.self)
    }

    @Test(arguments: TestStore.available)
    func routesAreExactlyTheDocumentsOperations(store: TestStore) async throws {
        try await store.withBroker { app, _ in
            let document = try await Self.servedDocument(APIClient(app: app))
            let documented = Set(Self.operations(document).map { path, method, _ in
                "\(method.uppercased()) " + path.replacingOccurrences(of: "\\{([^}]+)\\}", with: ":$1", options: .regularExpression)
            })
            let served = Set(app.routes.all.map { route in
                "\(route.method.rawValue) /" + route.path.map(\.description).joined(separator: "/")
            })
            // The one kind of route that is not an operation: WebSockets, which OpenAPI 3.0 cannot
            // describe. Each must be served, described under the document's `x-websockets`, and
            // listed here, so a new plain route still fails this test until someone decides.
            let webSockets = Set((document["x-websockets"] as? [String: Any] ?? [:]).keys.map { "GET " + $0 })
            #expect(webSockets == Self.webSocketRoutes)
            #expect(served.isSuperset(of: webSockets))
            #expect(served.subtracting(Self.webSocketRoutes) == documented, "served but undocumented: \(served.subtracting(documented).sorted()); documented but not served: \(documented.subtracting(served).sorted())")
            #expect(documented.contains("POST /api/v1/auth/login"))
        }
    }

    @Test(arguments: TestStore.available)
    func metricsCountRequestsByRoute(store: TestStore) async throws {
        try await store.withBroker { app, _ in
            let api = APIClient(app: app)
            _ = try await api.send(.GET, "health")
            _ = try await api.send(.GET, "api/v1/users/\(UUID().uuidString)")
            _ = try await api.send(.GET, "nowhere")
            let res = try await api.send(.GET, "metrics")
            #expect(res.status == .ok)
            #expect(res.headers.contentType?.description.hasPrefix("text/plain") == true)
            #expect(res.text.contains(#"horizon_http_requests_total{method="GET",route="/health",status="200"} 1"#))
            #expect(res.text.contains(#"route="/api/v1/users/:userId",status="401""#))
            #expect(res.text.contains(#"route="unmatched",status="404""#))
            #expect(res.text.contains("horizon_http_request_duration_seconds_bucket"))
        }
    }
}
