import HTTPTypes
import OpenAPIRuntime
import Vapor

/// Serves the generated operations as Vapor routes, as OpenAPIVapor's `VaporTransport` does,
/// but hands Vapor each response body as one buffer. `VaporTransport` streams it, which costs
/// every response a new task and an event-loop round trip per write (a tenth of a heartbeat's
/// time); the broker's bodies are JSON documents already in memory (a 1,000-peer netmap is
/// about 230 kB). The request body is the one `RequestContextMiddleware` already collected.
struct BufferedVaporTransport: ServerTransport {
    let routes: any RoutesBuilder

    func register(
        _ handler: @Sendable @escaping (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?),
        method: HTTPRequest.Method, path: String
    ) throws {
        let components = Self.components(of: path)
        let parameters = components.compactMap { component -> String? in
            if case .parameter(let name) = component { return name }
            return nil
        }
        routes.on(HTTPMethod(rawValue: method.rawValue), components, body: .stream) { request async throws -> Response in
            var metadata = ServerRequestMetadata()
            for name in parameters {
                // The route matched, so each of its parameters has a value.
                guard let value = request.parameters.get(name) else { throw Abort(.notFound) }
                metadata.pathParameters[name] = Substring(value)
            }
            let body = request.body.data.map { HTTPBody(Array($0.readableBytesView)) } ?? HTTPBody()
            let (response, responseBody) = try await handler(Self.request(request, method: method), body, metadata)
            var headers = HTTPHeaders()
            for field in response.headerFields { headers.add(name: field.name.rawName, value: field.value) }
            let status = HTTPResponseStatus(statusCode: response.status.code, reasonPhrase: response.status.reasonPhrase)
            guard let responseBody else { return Response(status: status, headers: headers, body: .empty) }
            var buffer = ByteBuffer()
            if case .known(let length) = responseBody.length { buffer.reserveCapacity(Int(length)) }
            for try await chunk in responseBody { buffer.writeBytes(chunk) }
            return Response(status: status, headers: headers, body: .init(buffer: buffer))
        }
    }

    /// `/api/v1/users/{userId}` as Vapor path components.
    static func components(of path: String) -> [PathComponent] {
        path.split(separator: "/").map { part in
            part.first == "{" && part.last == "}" ? .parameter(String(part.dropFirst().dropLast())) : .constant(String(part))
        }
    }

    private static func request(_ request: Request, method: HTTPRequest.Method) -> HTTPRequest {
        var fields = HTTPFields()
        for (name, value) in request.headers {
            if let name = HTTPField.Name(name) { fields.append(HTTPField(name: name, value: value)) }
        }
        return HTTPRequest(
            method: method, scheme: request.url.scheme, authority: request.url.host,
            path: request.url.path + (request.url.query.map { "?" + $0 } ?? ""), headerFields: fields)
    }
}
