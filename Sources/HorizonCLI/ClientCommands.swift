import ArgumentParser
import Foundation
import HorizonNode

/// `horizon servers`: the gateways this device may use.
struct ServersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "servers",
        abstract: "List the approved, online servers with location, load and measured latency."
    )

    @Flag(help: "Skip the latency probes.")
    var noProbe = false

    @OptionGroup var daemon: DaemonSocket
    @OptionGroup var output: OutputFormat

    func run() async throws {
        let response = try await daemon.send(.GET, LocalAPIPath.servers + (noProbe ? "" : "?probe=1"))
        if output.json { return Console.write(String(decoding: response.body, as: UTF8.self)) }
        let servers = try response.decode([ServerCandidate].self)
        guard !servers.isEmpty else { return Console.write("no servers available") }
        let rows = servers.map { server in
            [server.name, [server.country, server.city].compactMap { $0 }.joined(separator: "/"),
             server.load.map { String(format: "%.0f%%", $0 * 100) } ?? "-",
             server.rttMilliseconds.map { String(format: "%.1f ms", $0) } ?? (noProbe ? "-" : "no answer"),
             server.endpoints.first ?? "-"]
        }
        Console.write(Table.render(header: ["NAME", "LOCATION", "LOAD", "LATENCY", "ENDPOINT"], rows: rows))
    }
}

/// `horizon connect`.
struct ConnectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connect",
        abstract: "Connect through a server: all traffic (default) or only --route prefixes.",
        discussion: """
            Returns when the first WireGuard handshake with the server completed. A full tunnel \
            keeps the route to the server's endpoint outside the tunnel (policy routing, as \
            wg-quick does); horizon disconnect restores the previous routes exactly.
            """
    )

    @Argument(help: ArgumentHelp("The server's name or id.", valueName: "server"))
    var server: String?

    @Flag(help: "Pick the server with the lowest latency weighted by load.")
    var best = false

    @Option(name: .customLong("route"), help: ArgumentHelp("Route only this prefix through the server (repeatable).", valueName: "cidr"))
    var routes: [String] = []

    @OptionGroup var daemon: DaemonSocket
    @OptionGroup var output: OutputFormat

    func validate() throws {
        guard (server != nil) != best else { throw ValidationError("name a server or pass --best (see horizon servers)") }
    }

    func run() async throws {
        let response = try await daemon.send(.POST, LocalAPIPath.connect, body: ConnectRequest(server: server, routes: routes))
        if output.json { return Console.write(String(decoding: response.body, as: UTF8.self)) }
        let status = try response.decode(AgentStatus.self)
        guard let connection = status.connection else { throw CLIError("the daemon reports no connection") }
        Console.write("connected to \(connection.serverName) (\(connection.endpoint ?? "?")), "
            + (connection.routes.isEmpty ? "all traffic" : connection.routes.joined(separator: ", ")) + " through it")
    }
}

/// `horizon disconnect`.
struct DisconnectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disconnect",
        abstract: "Close the connection and restore the routes it changed."
    )

    @OptionGroup var daemon: DaemonSocket
    @OptionGroup var output: OutputFormat

    func run() async throws {
        let response = try await daemon.send(.POST, LocalAPIPath.disconnect)
        if output.json { return Console.write(String(decoding: response.body, as: UTF8.self)) }
        let result = try response.decode(DisconnectResult.self)
        guard result.failures.isEmpty else {
            throw CLIError("disconnected, but could not undo: " + result.failures.joined(separator: "; "))
        }
        Console.write(result.wasConnected ? "disconnected" : "not connected")
    }
}

/// `horizon logout`: leave the broker, whichever the role.
struct LogoutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logout",
        abstract: "Stop the node's role and forget its enrollment (the node key stays).",
        discussion: """
            A client disconnects and a server stops serving (removing its interface and rules). \
            The broker still lists the node until an admin deletes or revokes it.
            """
    )

    @OptionGroup var daemon: DaemonSocket
    @OptionGroup var output: OutputFormat

    func run() async throws {
        let response = try await daemon.send(.POST, LocalAPIPath.logout)
        if output.json { return Console.write(String(decoding: response.body, as: UTF8.self)) }
        let result = try response.decode(LogoutResult.self)
        Console.write(result.previousRole == .none ? "not enrolled" : "logged out (was \(result.previousRole.rawValue))")
    }
}

/// Left-aligned columns, two spaces apart.
enum Table {
    static func render(header: [String], rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n")
    }
}
