import Foundation
import HTTPTypes
import OpenAPIRuntime

/// Why a call to the broker failed, in words a node's user can act on.
public enum BrokerFailure: Error, Equatable, CustomStringConvertible {
    /// No HTTP answer at all: refused, timed out, name not resolved.
    case unreachable(broker: String, reason: String)
    /// The broker answered with an error: its HTTP status and the `code`/`message` of its envelope.
    case refused(status: Int, code: String, message: String)
    /// An answer the client did not expect (status or body outside the API document).
    case unexpected(String)

    public var description: String {
        switch self {
        case .unreachable(let broker, let reason):
            "cannot reach the broker at \(broker): \(reason) — check the URL and that the broker runs"
        case .refused(let status, let code, let message):
            "the broker refused (\(status) \(code)): \(message)"
        case .unexpected(let detail):
            "unexpected answer from the broker: \(detail)"
        }
    }

    /// The error code of a refusal (`unauthorized`, `node_revoked`, …), nil for other failures.
    public var code: String? {
        if case .refused(_, let code, _) = self { code } else { nil }
    }

    /// Classifies anything a generated client call threw.
    public static func from(_ error: any Error, broker: URL) -> BrokerFailure {
        if let failure = error as? BrokerFailure { return failure }
        guard let clientError = error as? ClientError else { return .unexpected("\(error)") }
        if let failure = clientError.underlyingError as? BrokerFailure { return failure }
        // No response means the request never got an answer: a transport failure.
        if clientError.response == nil {
            return .unreachable(broker: broker.absoluteString, reason: "\(clientError.underlyingError)")
        }
        return .unexpected("\(clientError.causeDescription): \(clientError.underlyingError)")
    }
}

/// Turns every error answer (4xx, 5xx) into a `BrokerFailure.refused` carrying the broker's
/// error envelope, so callers handle success only and get one readable error otherwise.
struct ErrorEnvelopeMiddleware: ClientMiddleware {
    private struct Envelope: Decodable {
        struct Detail: Decodable { var code: String; var message: String }
        var error: Detail
    }

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let (response, responseBody) = try await next(request, body, baseURL)
        let status = response.status.code
        guard status >= 400 else { return (response, responseBody) }
        var text = ""
        if let responseBody { text = (try? await String(collecting: responseBody, upTo: 64 * 1024)) ?? "" }
        if let envelope = try? JSONDecoder().decode(Envelope.self, from: Data(text.utf8)) {
            throw BrokerFailure.refused(status: status, code: envelope.error.code, message: envelope.error.message)
        }
        throw BrokerFailure.refused(status: status, code: "http_\(status)", message: text.isEmpty ? "no details" : text)
    }
}
