import Foundation

/// The 24-bit number that names a network inside the data plane's frame header (see
/// "LAN emulation" in docs/ARCHITECTURE.md): unique among networks (a unique index holds it)
/// and stable for the network's life. Zero is never used, so a zeroed header names nothing.
enum NetworkTag {
    static let range = 1...0xFF_FFFF
    /// More than enough: with a few thousand networks a collision is already rare.
    static let maxAttempts = 64

    /// The tag derived for `networkID` at `attempt`.
    static func candidate(for networkID: UUID, attempt: Int) -> Int {
        let bytes = StableDerivation.digest("horizon-network-tag-v1", [networkID], attempt: attempt)
        let value = Int(bytes[0]) << 16 | Int(bytes[1]) << 8 | Int(bytes[2])
        return value == 0 ? 1 : value
    }

    /// The first derived tag of `networkID` that `taken` does not hold.
    static func free(for networkID: UUID, avoiding taken: Set<Int>) throws -> Int {
        for attempt in 0..<maxAttempts {
            let tag = candidate(for: networkID, attempt: attempt)
            if !taken.contains(tag) { return tag }
        }
        throw APIError(.serviceUnavailable, "allocation_contention", "could not find a free network tag; retry")
    }
}
