import HorizonProtocol
import OpenAPIRuntime
import Vapor

/// Turns every error into `{"error": {"code", "message"}}` with the right status. It takes
/// the place of Vapor's ErrorMiddleware, which would answer 500 for the generated code's
/// request-decoding errors and, outside production, echo request details.
struct APIErrorMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            let apiError = Self.map(error)
            if apiError.status.code >= 500 {
                request.logger.error("\(request.method) \(request.url.path) failed: \(Self.logDescription(error))")
            }
            return Self.response(for: apiError)
        }
    }

    static func response(for error: APIError) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .json
        if let retryAfter = error.retryAfter { headers.replaceOrAdd(name: .retryAfter, value: String(retryAfter)) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = (try? encoder.encode(APIErrorResponse(code: error.code, message: error.message))) ?? Data()
        return Response(status: error.status, headers: headers, body: .init(data: body))
    }

    /// The client-facing form of any error thrown while handling a request.
    static func map(_ error: any Error) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as ServerError:
            // The generated code wraps everything a handler or its decoding throws.
            if let inner = error.underlyingError as? APIError { return inner }
            if error.underlyingError is ConnectionPoolTimeoutError { return storeBusy }
            if let decoding = error.underlyingError as? DecodingError {
                return APIError.badRequest(describe(decoding), code: "invalid_body")
            }
            let status = HTTPResponseStatus(statusCode: error.httpStatus.code)
            if status.code >= 500 { return internalError }
            return APIError(status, code(for: status), error.causeDescription)
        case is ConnectionPoolTimeoutError:
            return storeBusy
        case let error as DecodingError:
            return APIError.badRequest(describe(error), code: "invalid_body")
        case let error as any AbortError:
            if error.status.code >= 500 { return internalError }
            let message = error.status == .notFound ? "no such endpoint" : error.reason
            return APIError(error.status, code(for: error.status), message)
        default:
            return internalError
        }
    }

    /// What to log about a failure. A `ServerError`'s own description holds the request's
    /// headers (bearer tokens) and decoded input (passwords), so only its cause is logged.
    static func logDescription(_ error: any Error) -> String {
        if let error = error as? ServerError {
            return "operation \(error.operationID): \(error.causeDescription): \(String(reflecting: error.underlyingError))"
        }
        return String(reflecting: error)
    }

    static let internalError = APIError(.internalServerError, "internal_error", "the broker failed to handle this request; its log has the details")
    /// Every database connection stayed taken for the pool's whole timeout: an overload to
    /// retry, not a failure of the broker.
    static let storeBusy = APIError(
        .serviceUnavailable, "store_busy", "the broker's database is too busy to take this request now; retry in a moment", retryAfter: 1)

    static func code(for status: HTTPResponseStatus) -> String {
        switch status {
        case .badRequest: "bad_request"
        case .unauthorized: "unauthorized"
        case .forbidden: "forbidden"
        case .notFound: "not_found"
        case .methodNotAllowed: "method_not_allowed"
        case .notAcceptable: "not_acceptable"
        case .conflict: "conflict"
        case .payloadTooLarge: "payload_too_large"
        case .unsupportedMediaType: "unsupported_media_type"
        case .unprocessableEntity: "unprocessable"
        case .tooManyRequests: "rate_limited"
        default: status.code < 500 ? "bad_request" : "internal_error"
        }
    }

    /// "invalid request body: <what> at <where>", without echoing the body.
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return keys.isEmpty ? "the body" : "'\(keys.joined(separator: "."))'"
        }
        switch error {
        case .typeMismatch(let type, let context):
            return "invalid request body: \(path(context)) must be \(typeName(type))"
        case .valueNotFound(let type, let context):
            return "invalid request body: \(path(context)) must be \(typeName(type)), not null"
        case .keyNotFound(let key, let context):
            let parent = context.codingPath.isEmpty ? "" : " in \(path(context))"
            return "invalid request body: missing field '\(key.stringValue)'\(parent)"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "invalid request body: not valid JSON" }
            if context.debugDescription.hasPrefix("Additional properties are disabled") {
                return "invalid request body: unknown field \(path(context))"
            }
            return "invalid request body: \(path(context)) is not valid: \(context.debugDescription)"
        @unknown default:
            return "invalid request body"
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        let name = String(describing: type)
        if name.contains("String") { return "a string" }
        if name.contains("Int") || name.contains("Double") { return "a number" }
        if name.contains("Bool") { return "a boolean" }
        if name.contains("Array") { return "an array" }
        return "an object"
    }
}
