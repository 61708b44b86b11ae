import ArgumentParser
import Foundation
import HorizonNode

/// `horizon status`: what the daemon reports about this node.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show this node's identity, role, broker reachability and connection state."
    )

    @OptionGroup var daemon: DaemonSocket
    @OptionGroup var output: OutputFormat

    func run() async throws {
        let status = try await daemon.send(.GET, LocalAPIPath.status).decode(AgentStatus.self)
        Console.write(output.json ? try StatusView.json(status) : StatusView.text(status))
    }
}

/// `AgentStatus` for people and for scripts.
enum StatusView {
    static func json(_ status: AgentStatus) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(status), as: UTF8.self)
    }

    static func text(_ status: AgentStatus) -> String {
        var lines = [
            "role:        \(status.role.rawValue)",
            "public key:  \(status.publicKey)",
        ]
        if let node = status.node {
            lines.append("node:        \(node.name) (\(node.status)), overlay \(node.addresses.joined(separator: ", "))")
        }
        if let broker = status.broker {
            let state = switch broker.reachable { case true?: "reachable"; case false?: "unreachable"; case nil: "not contacted yet" }
            lines.append("broker:      \(broker.url), \(state)" + (broker.lastError.map { " — \($0)" } ?? ""))
        }
        if let connection = status.connection {
            lines.append("server:      \(connection.serverName) at \(connection.endpoint ?? "?"), path \(connection.path)")
            lines.append("routes:      " + (connection.routes.isEmpty ? "all traffic" : connection.routes.joined(separator: ", ")))
            lines.append("handshake:   \(Format.age(connection.handshakeAge))"
                + (connection.rttMilliseconds.map { String(format: ", rtt %.1f ms", $0) } ?? ""))
        }
        if let interface = status.interface {
            lines.append("interface:   \(interface.name), UDP port \(interface.listenPort)")
            lines.append("traffic:     rx \(Format.bytes(interface.rxBytes)) (\(Format.rate(interface.rxRate))), "
                + "tx \(Format.bytes(interface.txBytes)) (\(Format.rate(interface.txRate)))")
            if !interface.lans.isEmpty { lines.append("LANs:        \(interface.lans.joined(separator: ", "))") }
            if let problem = interface.lastError { lines.append("problem:     \(problem)") }
        }
        if let peers = status.peers {
            lines.append("peers:       \(peers.count)")
            for peer in peers {
                lines.append("  \(peer.name ?? peer.publicKey)  \(peer.endpoint ?? "-")  handshake \(Format.age(peer.handshakeAge))  "
                    + "rx \(Format.bytes(peer.rxBytes)) tx \(Format.bytes(peer.txBytes))")
            }
        }
        lines.append("state:       \(status.stateDirectory), version \(status.version), up \(Int(Date().timeIntervalSince(status.startedAt)))s")
        return lines.joined(separator: "\n")
    }
}
