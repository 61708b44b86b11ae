import Foundation
import OpenAPIRuntime

/// RFC 3339 dates for the API: written as `2026-11-25T18:00:00Z`, read with or without
/// fractional seconds (clients differ in what they send).
struct APIDateTranscoder: DateTranscoder {
    func encode(_ date: Date) throws -> String {
        Self.plain().string(from: date)
    }

    func decode(_ string: String) throws -> Date {
        if let date = Self.plain().date(from: string) ?? Self.fractional().date(from: string) { return date }
        throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "expected an RFC 3339 date-time such as 2026-01-31T12:00:00Z"))
    }

    // ISO8601DateFormatter is not Sendable; a fresh one per call is cheap enough here.
    private static func plain() -> ISO8601DateFormatter {
        ISO8601DateFormatter()
    }

    private static func fractional() -> ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }
}
