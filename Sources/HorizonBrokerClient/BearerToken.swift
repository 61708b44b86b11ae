import Foundation
import HTTPTypes
import NIOCore
import OpenAPIAsyncHTTPClient
import OpenAPIRuntime

/// Adds `Authorization: Bearer <token>` to every request: a user's session or API token, or
/// a node credential (`hzd_…`), whichever the caller holds.
public struct BearerToken: ClientMiddleware {
    public let token: String

    public init(_ token: String) { self.token = token }

    public func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        var request = request
        request.headerFields[.authorization] = "Bearer \(token)"
        return try await next(request, body, baseURL)
    }
}

extension Client {
    /// A client of the broker at `brokerURL` (e.g. `http://127.0.0.1:8080`), authenticating
    /// with `token` when given. Error answers throw `BrokerFailure.refused` (wrapped in the
    /// runtime's `ClientError`; `BrokerFailure.from` unwraps it).
    public static func broker(at brokerURL: URL, token: String? = nil, timeout: Duration = .seconds(90)) -> Client {
        let configuration = AsyncHTTPClientTransport.Configuration(timeout: .seconds(timeout.components.seconds))
        return Client(
            serverURL: brokerURL, transport: AsyncHTTPClientTransport(configuration: configuration),
            middlewares: [ErrorEnvelopeMiddleware()] + (token.map { [BearerToken($0)] } ?? []))
    }
}
