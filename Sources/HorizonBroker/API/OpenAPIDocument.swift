import Foundation
import Yams

/// The OpenAPI document the broker is generated from (`openapi.yaml`, shipped in the
/// target's resources) as a JSON-compatible value, for `GET /openapi.json`.
enum OpenAPIDocument {
    enum LoadError: Error, CustomStringConvertible {
        case missingResource
        case notAMapping
        case unsupportedValue(String)

        var description: String {
            switch self {
            case .missingResource: "openapi.yaml is missing from the broker's resources"
            case .notAMapping: "openapi.yaml is not a YAML mapping"
            case .unsupportedValue(let what): "openapi.yaml holds a value JSON cannot express: \(what)"
            }
        }
    }

    static func loadYAML() throws -> String {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml") else {
            throw LoadError.missingResource
        }
        return try String(contentsOf: url, encoding: .utf8)
    }

    /// The document as nested `[String: …]`, `[…]`, String, Int, Double and Bool values.
    static func load() throws -> [String: (any Sendable)?] {
        guard let object = try jsonValue(Yams.load(yaml: try loadYAML())) as? [String: (any Sendable)?] else {
            throw LoadError.notAMapping
        }
        return object
    }

    private static func jsonValue(_ value: Any?) throws -> (any Sendable)? {
        switch value {
        case nil, is NSNull: return nil
        case let v as Bool: return v
        case let v as Int: return v
        case let v as Double: return v
        case let v as String: return v
        case let v as Date: return ISO8601DateFormatter().string(from: v)
        case let v as [Any]: return try v.map(jsonValue)
        case let v as [AnyHashable: Any]:
            var object: [String: (any Sendable)?] = [:]
            for (key, element) in v { object["\(key.base)"] = try jsonValue(element) }
            return object
        default: throw LoadError.unsupportedValue(String(describing: type(of: value)))
        }
    }
}
