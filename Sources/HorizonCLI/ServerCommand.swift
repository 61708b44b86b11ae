import ArgumentParser
import Foundation
import HorizonNode

/// `horizon server`: the gateway role.
struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Run this node as a gateway server that clients use as their VPN exit.",
        subcommands: [ServerUpCommand.self]
    )
}

/// `horizon server up`: register with the broker, prove the key, wait for approval, serve.
struct ServerUpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Register this node as a gateway and serve clients once an admin approves it.",
        discussion: """
            The daemon (horizon daemon) registers the node's key with the broker, proving it holds \
            the private key, brings up the WireGuard interface, turns on IP forwarding and \
            masquerades clients' traffic out of the uplink. The server stays pending until an admin \
            approves it (horizon-broker servers approve NAME); this command waits for that unless \
            --no-wait is given. Run again after a restart it resumes without registering anew.
            """
    )

    @Option(help: ArgumentHelp("The broker's URL.", valueName: "url"))
    var broker: String

    @Option(name: .customLong("enroll-key"), help: ArgumentHelp("A server enrollment key from the broker's admin.", valueName: "key"))
    var enrollKey: String

    @Option(help: ArgumentHelp("The server's name, shown to clients.", valueName: "name"))
    var name: String

    @Option(help: ArgumentHelp("HOST:PORT clients reach (default: the uplink's address and --port).", valueName: "host:port"))
    var endpoint: String?

    @Option(help: ArgumentHelp("Where the server is: CC or CC/City, e.g. DE/Berlin.", valueName: "location"))
    var location: String?

    @Option(help: ArgumentHelp("Interface clients' traffic leaves by (default: the default route's).", valueName: "iface"))
    var uplink: String?

    @Option(help: ArgumentHelp("UDP port the WireGuard interface listens on.", valueName: "port"))
    var port: UInt16 = 51820

    @Option(help: ArgumentHelp("Most clients served at once (load = sessions / capacity).", valueName: "n"))
    var capacity = 100

    @Flag(help: "Return once registered instead of waiting for approval.")
    var noWait = false

    @OptionGroup var daemon: DaemonSocket
    @OptionGroup var output: OutputFormat

    func run() async throws {
        let request = ServerUpRequest(
            broker: broker, enrollmentKey: enrollKey, name: name, endpoint: endpoint, location: location,
            uplink: uplink, listenPort: port, capacity: capacity)
        var status = try await daemon.send(.POST, LocalAPIPath.serverUp, body: request).decode(AgentStatus.self)
        var announced = false
        while !noWait, status.node?.status == "pending" {
            if !announced, !output.json {
                Console.write("\(name): registered, pending approval — an admin runs: horizon-broker servers approve \(name)")
                announced = true
            }
            try await Task.sleep(for: .seconds(1))
            status = try await daemon.send(.GET, LocalAPIPath.status).decode(AgentStatus.self)
        }
        if output.json { return Console.write(try StatusView.json(status)) }
        let state = status.node?.status ?? "unknown"
        guard state == "approved" || (noWait && state == "pending") else {
            throw CLIError("\(name) is \(state) at the broker — it does not serve clients")
        }
        Console.write("\(name): \(state), serving on \(status.interface.map { "\($0.name) UDP port \($0.listenPort)" } ?? "?")")
    }
}
