import Foundation
import HTTPTypes
import OpenAPIRuntime

/// Answers `getNodeNetmap` with ``NetmapJSON`` — peers spliced in already encoded — instead of
/// the generated serializer, which would encode every peer of every response again (most of
/// a 1,000-peer map's time). The generated operation can only return the typed schema, so
/// this runs in its place, after ``AuthenticationGate``, for the requests nodes make: a query
/// of at most `since` and `wait` in plain characters, and an `Accept` that takes JSON as is.
/// Anything else (and every malformed request) goes on to the generated handler,
/// `BrokerAPI.getNodeNetmap`, which gives the same answers with the generated code's checks.
struct NetmapFetchMiddleware: ServerMiddleware {
    let netmap: NetmapService
    let json: NetmapJSON

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        guard operationID == Operations.GetNodeNetmap.id, PlainJSON.accepts(request.headerFields[.accept]),
              let query = NetmapFetchQuery(path: request.path)
        else { return try await next(request, body, metadata) }
        let context = try RequestContext.get()
        let node = try context.requireNode()
        guard let map = try await netmap.next(for: node.nodeID, since: query.since, wait: .seconds(query.wait), on: context.db)
        else { return (HTTPResponse(status: .notModified), nil) }
        var response = HTTPResponse(status: .ok)
        response.headerFields[.contentType] = "application/json; charset=utf-8"
        return (response, HTTPBody(try json.encode(map)))
    }
}

/// `since` and `wait` of a netmap fetch, when the query holds nothing else, each at most once,
/// in unreserved characters (no percent-encoding to undo), with `wait` a number of seconds
/// the operation allows. Otherwise nil, and the generated code parses (or refuses) it.
struct NetmapFetchQuery {
    var since: String?
    var wait = 0

    init?(path: String?) {
        guard let path else { return nil }
        guard let mark = path.firstIndex(of: "?") else { return }
        var seconds: Int?
        for item in path[path.index(after: mark)...].split(separator: "&", omittingEmptySubsequences: false) {
            let pair = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2, !pair[1].isEmpty, pair[1].utf8.allSatisfy(Self.isUnreserved) else { return nil }
            switch pair[0] {
            case "since" where since == nil:
                since = String(pair[1])
            case "wait" where seconds == nil:
                guard let value = Int(pair[1]), (0...60).contains(value) else { return nil }
                seconds = value
            default:
                return nil
            }
        }
        wait = seconds ?? 0
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }
}
