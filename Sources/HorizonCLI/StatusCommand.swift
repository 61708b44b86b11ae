import ArgumentParser
import Foundation
import HorizonNode

/// `horizon status`: what the daemon reports about this node.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show this node's identity, role and connection state."
    )

    @Option(help: ArgumentHelp("The daemon's local API socket.", valueName: "path"))
    var socket = LocalAPIServer.defaultSocketPath

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() async throws {
        let response: LocalResponse
        do {
            response = try await LocalAPIClient(socketPath: socket).send(.GET, LocalAPIPath.status)
        } catch {
            throw CLIError(error.description)
        }
        guard response.isSuccess else { throw CLIError(response.errorMessage ?? "the daemon answered \(response.status)") }
        if json {
            Console.write(String(decoding: response.body, as: UTF8.self))
            return
        }
        let status = try response.decode(AgentStatus.self)
        Console.write("""
            role:        \(status.role.rawValue)
            public key:  \(status.publicKey)
            state:       \(status.stateDirectory)
            version:     \(status.version)
            running for: \(Int(Date().timeIntervalSince(status.startedAt)))s
            """)
    }
}
