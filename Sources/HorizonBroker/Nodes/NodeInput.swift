import Foundation
import HorizonCore

/// Checks and normalises what servers and devices send about themselves. Every refusal is
/// a 400 with a code that names the field, never a 500 further down.
enum NodeInput {
    static let maxEndpoints = 8
    static let maxCapacity = 1_000_000
    static let maxCityLength = 100

    /// A WireGuard public key: base64 of exactly 32 bytes. Returned in canonical form so one
    /// key cannot be registered twice under two spellings.
    static func publicKey(_ text: String) throws -> PublicKey {
        guard text.count <= 64, let key = PublicKey(base64: text), !key.raw.isZero else {
            throw APIError.badRequest(
                "publicKey must be a WireGuard public key: base64 of 32 bytes, as `wg pubkey` prints it", code: "invalid_public_key")
        }
        return key
    }

    /// A node name is one DNS label (RFC 1123: letters, digits, inner hyphens, at most 63),
    /// so it can later name the node in the overlay's DNS.
    static func name(_ text: String) throws -> String {
        let scalars = text.unicodeScalars
        let valid = (1...63).contains(scalars.count) && !text.hasPrefix("-") && !text.hasSuffix("-")
            && scalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-") }
        guard valid else {
            throw APIError.badRequest(
                "a name is 1 to 63 letters, digits or inner hyphens (a DNS label), e.g. gw-frankfurt-1", code: "invalid_name")
        }
        return text
    }

    /// Public UDP endpoints as `host:port` (`[v6]:port` for IPv6), canonical and without repeats.
    static func endpoints(_ texts: [String], required: Bool) throws -> [String] {
        guard texts.count <= maxEndpoints else {
            throw APIError.badRequest("at most \(maxEndpoints) endpoints are accepted (got \(texts.count))", code: "invalid_endpoint")
        }
        guard !required || !texts.isEmpty else {
            throw APIError.badRequest("a server needs at least one public endpoint (host:port)", code: "invalid_endpoint")
        }
        var seen: [String] = []
        for text in texts {
            guard text.utf8.count <= 261, let endpoint = try? Endpoint.parse(text) else {
                throw APIError.badRequest(
                    "endpoint \(text.prefix(64).debugDescription) is not host:port (use [address]:port for IPv6)", code: "invalid_endpoint")
            }
            if !seen.contains(endpoint.description) { seen.append(endpoint.description) }
        }
        return seen
    }

    static func capacity(_ value: Int) throws -> Int {
        guard (1...maxCapacity).contains(value) else {
            throw APIError.badRequest("capacity must be from 1 to \(maxCapacity) clients (got \(value))", code: "invalid_capacity")
        }
        return value
    }

    struct Location: Sendable, Equatable {
        var country: String
        var city: String?
        var latitude: Double?
        var longitude: Double?
    }

    /// Country as an upper-case ISO 3166-1 alpha-2 code; coordinates both or neither, in range.
    static func location(country: String, city: String?, latitude: Double?, longitude: Double?) throws -> Location {
        let code = country.uppercased()
        guard code.count == 2, code.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) }) else {
            throw APIError.badRequest("location.country must be an ISO 3166-1 alpha-2 code such as DE or US", code: "invalid_location")
        }
        if let city, city.isEmpty || city.count > maxCityLength {
            throw APIError.badRequest("location.city must be 1 to \(maxCityLength) characters", code: "invalid_location")
        }
        guard (latitude == nil) == (longitude == nil) else {
            throw APIError.badRequest("give location.latitude and location.longitude together", code: "invalid_location")
        }
        if let latitude, let longitude, !((-90...90).contains(latitude) && (-180...180).contains(longitude)) {
            throw APIError.badRequest("latitude must be within ±90 and longitude within ±180", code: "invalid_location")
        }
        return Location(country: code, city: city, latitude: latitude, longitude: longitude)
    }
}
