import HorizonUDP

/// Why asking a STUN server for our reflexive address failed.
public enum STUNClientError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No answer after every retransmission.
    case timedOut(server: UDPAddress, requests: Int, after: Duration)
    /// The server answered with an error response.
    case errorResponse(server: UDPAddress, STUNErrorCode)
    /// A success response without (XOR-)MAPPED-ADDRESS.
    case noMappedAddress(server: UDPAddress)
    /// The socket refused to send (errno).
    case sendFailed(server: UDPAddress, errno: Int32)
    /// The socket cannot reach the server's address family.
    case wrongFamily(server: UDPAddress)

    public var description: String {
        switch self {
        case let .timedOut(server, requests, after):
            "STUN server \(server) did not answer \(requests) requests in \(after) — check the address and that UDP to it is not blocked"
        case let .errorResponse(server, error): "STUN server \(server) answered error \(error)"
        case let .noMappedAddress(server): "STUN server \(server) answered without a mapped address"
        case let .sendFailed(server, errno): "cannot send to STUN server \(server): errno \(errno)"
        case let .wrongFamily(server): "STUN server \(server) is not reachable from a socket of the other address family"
        }
    }
}
