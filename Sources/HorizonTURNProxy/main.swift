import ArgumentParser
import Foundation
import HorizonCore
import HorizonNAT
import HorizonUDP

/// `HorizonTURNProxy`: one WireGuard peer through a TURN relay (see `TURNRelayProxy`), as a
/// process, for tests and for trying a relay by hand. Prints `relayed <address>` once the
/// allocation exists (the far peer's endpoint) and `forwarding <endpoint>` once the channel
/// is bound (this peer's endpoint in the local device); runs until SIGINT or SIGTERM.
struct TURNProxyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "HorizonTURNProxy",
        abstract: "Relay one WireGuard peer through a TURN server (RFC 8656), e.g. coturn.")

    @Option(help: "The TURN server, host:port (UDP).") var server: String
    @Option(help: "TURN username (long-term credentials).") var username: String
    @Option(help: "File holding the TURN password.") var passwordFile: String
    @Option(help: "The far peer's address as the relay reaches it, host:port.") var peer: String
    @Option(help: "Loopback port the device's peer endpoint is set to (127.0.0.1:PORT; 0: any).") var listenPort: UInt16 = 0
    @Option(help: "The local device's UDP port on loopback (default: learnt from its first datagram).") var devicePort: UInt16?

    private var loopback: IPAddress { .v4(IPv4Address(127, 0, 0, 1)) }

    func run() throws {
        let password = try String(contentsOfFile: passwordFile, encoding: .utf8).trimmingCharacters(in: .newlines)
        let proxy = try TURNRelayProxy(server: try address(server, "--server"),
                                       credentials: TURNCredentials(username: username, password: password),
                                       listen: UDPAddress(ip: loopback, port: listenPort),
                                       device: devicePort.map { UDPAddress(ip: loopback, port: $0) })
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        do {
            let allocation = try proxy.allocate()
            print("relayed \(allocation.relayed)")
            fflush(nil)
            try proxy.connect(to: try address(peer, "--peer"))
            print("forwarding \(proxy.endpoint)")
            fflush(nil)
        } catch let error as TURNError {
            proxy.close()
            throw ValidationError(error.description)
        }
        var received: Int32 = 0
        sigwait(&signals, &received)
        let counters = proxy.counters
        proxy.close()
        print("stopped: \(counters.toRelay) datagrams to the relay, \(counters.toDevice) to the device, \(counters.dropped) dropped")
    }

    private func address(_ text: String, _ option: String) throws -> UDPAddress {
        guard let endpoint = try? Endpoint.parse(text), case .address(let ip) = endpoint.host else {
            throw ValidationError("\(option): '\(text)' is not an IP:port")
        }
        return UDPAddress(ip: ip, port: endpoint.port)
    }
}

TURNProxyCommand.main()
