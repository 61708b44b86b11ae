import ArgumentParser
import HorizonCore
import HorizonNAT
import HorizonNode
import HorizonUDP

/// `horizon relay`: Horizon's own TURN relay (RFC 8656 over UDP, long-term credentials), for
/// installs without coturn. The broker lists it to nodes through HORIZON_RELAYS like any relay.
struct RelayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relay",
        abstract: "Run a TURN relay (and STUN server) for nodes that cannot reach each other directly.",
        discussion: """
            Listens on --listen (UDP) and relays from sockets on the same address, or on \
            --relay-ip when listening on a wildcard address. Clients authenticate with the \
            --user credentials in --realm. Runs in the foreground until Ctrl-C or SIGTERM. \
            Peers see only what the nodes send through it: WireGuard packets, already encrypted.
            """
    )

    @Option(help: ArgumentHelp("The UDP address to listen on.", valueName: "host:port"))
    var listen: String

    @Option(help: ArgumentHelp("The address relayed sockets use (needed when --listen is 0.0.0.0 or [::]).", valueName: "ip"))
    var relayIP: String?

    @Option(help: ArgumentHelp("The realm of the long-term credentials.", valueName: "realm"))
    var realm: String

    @Option(help: ArgumentHelp("A user allowed to allocate (repeatable).", valueName: "user:password"))
    var user: [String]

    func run() throws {
        guard let endpoint = try? Endpoint.parse(listen), case .address(let ip) = endpoint.host else {
            throw CLIError("--listen must be an IP address and port, e.g. 0.0.0.0:3478 or [2001:db8::1]:3478 (got '\(listen)')")
        }
        var users: [String: String] = [:]
        for entry in user {
            guard let colon = entry.firstIndex(of: ":"), colon != entry.startIndex else {
                throw CLIError("--user must be user:password (got '\(entry)')")
            }
            users[String(entry[..<colon])] = String(entry[entry.index(after: colon)...])
        }
        guard !users.isEmpty else { throw CLIError("give at least one --user user:password") }
        var relayAddress: IPAddress?
        if let relayIP {
            guard let parsed = IPAddress(relayIP) else { throw CLIError("--relay-ip must be an IP address (got '\(relayIP)')") }
            relayAddress = parsed
        }
        TerminationSignals.install()
        let relay: TURNRelayServer
        do {
            relay = try TURNRelayServer(listen: UDPAddress(ip: ip, port: endpoint.port), relayIP: relayAddress,
                                        configuration: TURNServerConfiguration(realm: realm, users: users))
        } catch {
            throw CLIError("cannot start the relay: \(error)")
        }
        relay.start()
        Console.write("horizon relay: listening on \(relay.listenAddress), relaying on \(relay.relayIP)")
        let signal = TerminationSignals.wait()
        Console.write("horizon relay: stopping (signal \(signal))")
        relay.stop()
    }
}
