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
            --socket, through which `horizon server up`, `login`, `connect`, `status` and the \
            other commands drive it. A role enrolled earlier is resumed on start. Stops on \
            Ctrl-C or SIGTERM, removing its interface and the routes and rules it added (the \
            enrollment stays). Needs root.
            """
    )

    @OptionGroup var location: AgentLocation

    @Option(help: ArgumentHelp("The WireGuard interface the node's role brings up.", valueName: "name"))
    var interface = "horizon0"

    func run() async throws {
        TerminationSignals.install()
        let agent: NodeAgent
        do {
            agent = try NodeAgent(stateDirectory: NodeStateDirectory(path: location.stateDir), interfaceName: InterfaceName(interface))
        } catch {
            throw CLIError("\(error)")
        }
        if let resumed = await agent.resume() { Console.write("horizon daemon: \(resumed)") }
        let socket = location.daemon.socket
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
        let served = await server.result
        await agent.shutdown()
        if case .failure(let error) = served, !(error is CancellationError) { throw CLIError("\(error)") }
    }
}

/// Where the daemon keeps its state and socket; every command that talks to the daemon
/// takes `--socket` too, so several nodes can run on one machine.
struct AgentLocation: ParsableArguments {
    @Option(help: ArgumentHelp("The node's state directory (identity key, broker, last netmap).", valueName: "dir"))
    var stateDir = NodeStateDirectory.defaultPath

    @OptionGroup var daemon: DaemonSocket
}
