import Foundation

/// A request to the daemon's local API, as a handler sees it.
public struct LocalRequest: Sendable {
    public var method: String
    /// The path without its query, e.g. `/v1/status`.
    public var path: String
    public var query: [String: String]
    public var body: Data

    /// Splits `uri` (`/v1/servers?json=1`) into path and query.
    init(method: String, uri: String, body: Data) {
        let components = URLComponents(string: uri)
        var query: [String: String] = [:]
        for item in components?.queryItems ?? [] { query[item.name] = item.value ?? "" }
        self.method = method
        self.path = components?.path ?? uri
        self.query = query
        self.body = body
    }
}

/// A response from the daemon's local API: a status and a JSON body. Failures carry
/// `{"error": "..."}` with one line a person can act on.
public struct LocalResponse: Error, Sendable {
    public var status: Int
    public var body: Data

    public init(status: Int, body: Data) {
        self.status = status
        self.body = body
    }

    public static func json(_ value: some Encodable, status: Int = 200) -> LocalResponse {
        do {
            return LocalResponse(status: status, body: try JSONEncoder.localAPI.encode(value))
        } catch {
            return .error(500, "cannot encode the response: \(error)")
        }
    }

    public static func error(_ status: Int, _ message: String) -> LocalResponse {
        let body = (try? JSONEncoder.localAPI.encode(LocalErrorBody(error: message))) ?? Data()
        return LocalResponse(status: status, body: body)
    }

    public var isSuccess: Bool { (200..<300).contains(status) }

    /// The `error` message of a failure body, if it is one.
    public var errorMessage: String? {
        (try? JSONDecoder.localAPI.decode(LocalErrorBody.self, from: body))?.error
    }

    public func decode<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        try JSONDecoder.localAPI.decode(T.self, from: body)
    }
}

struct LocalErrorBody: Codable {
    var error: String
}

extension JSONEncoder {
    /// Sorted keys and ISO 8601 dates: stable output for `--json` users and scripts.
    static var localAPI: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }
}

extension JSONDecoder {
    static var localAPI: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
