import Foundation

/// Paths of the local API, shared by the daemon and the CLI.
public enum LocalAPIPath {
    public static let status = "/v1/status"
    public static let serverUp = "/v1/server/up"
    public static let login = "/v1/login"
    /// `?probe=1` measures each server's latency.
    public static let servers = "/v1/servers"
    public static let connect = "/v1/connect"
    public static let disconnect = "/v1/disconnect"
    public static let logout = "/v1/logout"
    public static let lan = "/v1/lan"
    public static let lanAnnounce = "/v1/lan/announce"
    public static let lanJoin = "/v1/lan/join"
    public static let lanLeave = "/v1/lan/leave"
    public static let lanDiscovered = "/v1/lan/discovered"
}

extension NodeAgent {
    /// The local API's routes: JSON in, JSON out, failures as `{"error": "..."}` with one
    /// line a person can act on.
    public func handle(_ request: LocalRequest) async -> LocalResponse {
        let route = (request.method, request.path)
        do throws(RoleError) {
            switch route {
            case ("GET", LocalAPIPath.status):
                return .json(await status())
            case ("POST", LocalAPIPath.serverUp):
                return .json(try await serverUp(try Self.decode(request)))
            case ("POST", LocalAPIPath.login):
                return .json(try await login(try Self.decode(request)))
            case ("GET", LocalAPIPath.servers):
                return .json(try await servers(probe: request.query["probe"] == "1"))
            case ("POST", LocalAPIPath.connect):
                return .json(try await connect(try Self.decode(request)))
            case ("POST", LocalAPIPath.disconnect):
                return .json(try await disconnect())
            case ("GET", LocalAPIPath.lan):
                return .json(try await lanNetworks())
            case ("POST", LocalAPIPath.lanAnnounce):
                return .json(try await announce(try Self.decode(request)))
            case ("GET", LocalAPIPath.lanDiscovered):
                return .json(await discoveredLANServices())
            case ("POST", LocalAPIPath.lanJoin):
                return .json(try await joinLAN(try Self.decode(request)))
            case ("POST", LocalAPIPath.lanLeave):
                return .json(try await leaveLAN(try Self.decode(request)))
            case ("POST", LocalAPIPath.logout):
                return .json(LogoutResult(previousRole: await logout()))
            default:
                let known = [LocalAPIPath.status, LocalAPIPath.serverUp, LocalAPIPath.login, LocalAPIPath.servers,
                             LocalAPIPath.connect, LocalAPIPath.disconnect, LocalAPIPath.logout,
                             LocalAPIPath.lan, LocalAPIPath.lanAnnounce, LocalAPIPath.lanJoin, LocalAPIPath.lanLeave,
                             LocalAPIPath.lanDiscovered]
                if known.contains(request.path) {
                    return .error(405, "\(request.method) is not allowed on \(request.path)")
                }
                return .error(404, "no such local API endpoint: \(request.method) \(request.path) — is the CLI newer than the daemon?")
            }
        } catch {
            return .error(409, error.description)
        }
    }

    private static func decode<T: Decodable>(_ request: LocalRequest) throws(RoleError) -> T {
        do {
            return try JSONDecoder.localAPI.decode(T.self, from: request.body)
        } catch {
            throw RoleError("malformed request body for \(request.path): \(error)")
        }
    }
}
