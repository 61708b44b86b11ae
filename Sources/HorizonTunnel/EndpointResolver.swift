import Glibc
import HorizonCore

/// Turns an Endpoint that names a host into one with an address, as `wg` does before it
/// speaks to a device: the first address the resolver returns, retried for a few seconds
/// while the resolver reports a temporary failure (a network that is still coming up).
public enum EndpointResolver {
    public static let attempts = 10
    public static let pause = Duration.milliseconds(500)

    public static func resolve(_ endpoint: Endpoint) throws(TunnelError) -> Endpoint {
        guard case .name(let name) = endpoint.host else { return endpoint }
        var status: Int32 = 0
        for attempt in 1...attempts {
            if let address = firstAddress(of: name, status: &status) {
                return Endpoint(address: address, port: endpoint.port)
            }
            guard status == EAI_AGAIN, attempt < attempts else { break }
            sleep(for: pause)
        }
        let reason = String(cString: gai_strerror(status))
        throw TunnelError("cannot resolve endpoint '\(endpoint)': \(reason)")
    }

    private static func firstAddress(of name: String, status: inout Int32) -> IPAddress? {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        status = getaddrinfo(name, nil, &hints, &list)
        guard status == 0, let list else { return nil }
        defer { freeaddrinfo(list) }
        var entry: UnsafeMutablePointer<addrinfo>? = list
        while let current = entry {
            if let address = IPAddress(socketAddress: current.pointee.ai_addr) { return address }
            entry = current.pointee.ai_next
        }
        status = EAI_NONAME
        return nil
    }

    private static func sleep(for duration: Duration) {
        let (seconds, attoseconds) = duration.components
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
        nanosleep(&request, nil)
    }
}

extension IPAddress {
    /// The address in a sockaddr_in or sockaddr_in6; nil for other families.
    init?(socketAddress: UnsafeMutablePointer<sockaddr>?) {
        guard let socketAddress else { return nil }
        switch Int32(socketAddress.pointee.sa_family) {
        case AF_INET:
            let raw = socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr.s_addr }
            self = .v4(IPv4Address(UInt32(bigEndian: raw)))
        case AF_INET6:
            let bytes = socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                withUnsafeBytes(of: pointer.pointee.sin6_addr) { Array($0) }
            }
            guard let address = IPv6Address(bytes: bytes) else { return nil }
            self = .v6(address)
        default:
            return nil
        }
    }
}
