import HorizonUDP

/// Why a TURN request failed, said so that an operator knows what to fix.
public enum TURNError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The server refused the credentials (401 to a request that carried them).
    case unauthorized(server: UDPAddress, username: String, realm: String)
    case errorResponse(server: UDPAddress, request: TURNRequest, STUNErrorCode)
    case timedOut(server: UDPAddress, request: TURNRequest)
    /// An answer the client cannot use (a 401 without REALM or NONCE, an Allocate success
    /// without XOR-RELAYED-ADDRESS).
    case badResponse(server: UDPAddress, request: TURNRequest, reason: String)
    case badPassword(STUNCredentialError)
    /// The allocation's lifetime ran out before a refresh succeeded.
    case allocationExpired(server: UDPAddress)
    /// A request that needs an allocation was made without one.
    case notAllocated(server: UDPAddress)
    /// All 4096 channel numbers are bound.
    case channelsExhausted(server: UDPAddress)
    /// The local socket failed (errno).
    case socket(server: UDPAddress, errno: Int32)
    /// The session was closed before the request was answered.
    case closed(server: UDPAddress)

    public var description: String {
        switch self {
        case let .unauthorized(server, username, realm):
            "TURN server \(server) rejected the credentials of user '\(username)' in realm '\(realm)' — check the TURN username and password"
        case let .errorResponse(server, request, error): "TURN server \(server) answered \(request) with error \(error)"
        case let .timedOut(server, request):
            "TURN server \(server) did not answer \(request) — check its address and that UDP to it is not blocked"
        case let .badResponse(server, request, reason): "TURN server \(server) answered \(request) unusably: \(reason)"
        case let .badPassword(error): "unusable TURN password: \(error)"
        case let .allocationExpired(server): "the allocation on TURN server \(server) expired before it could be refreshed"
        case let .notAllocated(server): "no allocation on TURN server \(server): allocate first"
        case let .channelsExhausted(server): "every TURN channel number on \(server) is in use"
        case let .socket(server, errno): "cannot send to TURN server \(server): errno \(errno)"
        case let .closed(server): "the session with TURN server \(server) was closed"
        }
    }
}
