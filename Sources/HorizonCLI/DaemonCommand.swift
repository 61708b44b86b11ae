import ArgumentParser
import Foundation
import HorizonNode

/// `horizon daemon`: the node agent, in the foreground (systemd runs it as a service; see
/// dist/horizon.service). The other commands talk to it through its local socket.
struct DaemonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "daemon",
        abstract: "Run the Horizon node agent in the foreground.",
        discussion: """
            Keeps the node's identity and state in --state-dir and serves the local API on \
            --socket, through which `horizon status` and the other commands drive it. Stops on \
            Ctrl-C or SIGTERM. Needs root to create its socket and, later, its interfaces.
            """
    )

    @OptionGroup var location: AgentLocation

    func run() async throws {
        TerminationSignals.install()
        let agent: NodeAgent
        do {
            agent = try NodeAgent(stateDirectory: NodeStateDirectory(path: location.stateDir))
        } catch {
            throw CLIError(error.description)
        }
        let socket = location.socket
        let server = Task {
            try await LocalAPIServer.serve(
                socketPath: socket, handler: { await agent.handle($0) },
                ready: { Console.write("horizon daemon: listening on \(socket)") })
        }
        // The wait for SIGINT/SIGTERM blocks, so it gets a thread; a signal ends the server,
        // and the server ending (for any reason) ends the command.
        Thread.detachNewThread {
            let signal = TerminationSignals.wait()
            Console.write("horizon daemon: stopping (signal \(signal))")
            server.cancel()
        }
        do {
            try await server.value
        } catch {
            throw CLIError("\(error)")
        }
    }
}

/// Where the daemon keeps its state and socket; every command that talks to the daemon
/// takes `--socket` too, so several nodes can run on one machine.
struct AgentLocation: ParsableArguments {
    @Option(help: ArgumentHelp("The node's state directory (identity key, broker, last netmap).", valueName: "dir"))
    var stateDir = NodeStateDirectory.defaultPath

    @Option(help: ArgumentHelp("The daemon's local API socket.", valueName: "path"))
    var socket = LocalAPIServer.defaultSocketPath
}
