/// Where a peer is reached: a host (IP literal or DNS name) and a UDP port.
/// Text forms follow wg(8): "192.0.2.1:51820", "[2001:db8::1]:51820", "vpn.example.com:51820".
public struct Endpoint: Hashable, Sendable, LosslessStringConvertible {
    public enum Host: Hashable, Sendable {
        case address(IPAddress)
        case name(String)
    }

    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case missingPort(String)
        case badPort(String)
        case badHost(String)

        public var description: String {
            switch self {
            case .missingPort(let s): "'\(s)' has no port (expected HOST:PORT or [IPv6]:PORT)"
            case .badPort(let s): "'\(s)' is not a port number (1-65535)"
            case .badHost(let s): "'\(s)' is not a valid host"
            }
        }
    }

    public let host: Host
    public let port: UInt16

    public init(host: Host, port: UInt16) {
        self.host = host
        self.port = port
    }

    public init(address: IPAddress, port: UInt16) {
        self.init(host: .address(address), port: port)
    }

    public static func parse(_ text: String) throws(ParseError) -> Endpoint {
        let hostText: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw .badHost(text) }
            hostText = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { throw .missingPort(text) }
            portText = rest.dropFirst()
            guard case .v6? = IPAddress(String(hostText)) else { throw .badHost(String(hostText)) }
        } else {
            guard let colon = text.lastIndex(of: ":") else { throw .missingPort(text) }
            hostText = text[..<colon]
            portText = text[text.index(after: colon)...]
            // An unbracketed IPv6 literal is ambiguous with its port: wg(8) rejects it too.
            guard !hostText.contains(":") else { throw .badHost(String(hostText)) }
        }
        guard portText.allSatisfy(\.isASCIIDigit), (1...5).contains(portText.count),
              let port = Int(portText), (1...65535).contains(port)
        else { throw .badPort(String(portText)) }
        if let address = IPAddress(String(hostText)) {
            return Endpoint(address: address, port: UInt16(port))
        }
        guard Self.isValidHostName(hostText) else { throw .badHost(String(hostText)) }
        return Endpoint(host: .name(String(hostText)), port: UInt16(port))
    }

    public init?(_ description: String) {
        guard let e = try? Self.parse(description) else { return nil }
        self = e
    }

    public var description: String {
        switch host {
        case .address(.v6(let a)): "[\(a)]:\(port)"
        case .address(let a): "\(a):\(port)"
        case .name(let n): "\(n):\(port)"
        }
    }

    /// RFC 1123 host names: dot-separated labels of letters, digits and inner hyphens.
    static func isValidHostName(_ name: Substring) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 253 else { return false }
        return name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            !label.isEmpty && label.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
    }
}
