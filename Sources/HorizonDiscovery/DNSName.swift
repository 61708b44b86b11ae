/// A domain name as DNS carries it: labels, lower-cased for comparison (mDNS names compare
/// case-insensitively), the first label kept as received for display (an instance name such
/// as "Alice's Printer" may hold any bytes, dots included).
public struct DNSName: Hashable, Sendable, CustomStringConvertible {
    public let labels: [String]

    public init(labels: [String]) { self.labels = labels }

    public init(_ dotted: String) {
        labels = dotted.split(separator: ".").map(String.init)
    }

    public var description: String { labels.joined(separator: ".") }

    /// Case-folded, for keys.
    var key: DNSName { DNSName(labels: labels.map { $0.lowercased() }) }

    /// The name without its first label ("Printer._ipp._tcp.local" → "_ipp._tcp.local").
    var parent: DNSName { DNSName(labels: Array(labels.dropFirst())) }

    static let maxLength = 255
    static let maxPointerJumps = 32
}
