import ArgumentParser
import Foundation
import HorizonBroker

/// `horizon-broker servers …`: verify and manage gateway servers in the store.
struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "servers",
        abstract: "List, approve, suspend and revoke servers directly in the store (works while the broker runs).",
        subcommands: [ListServers.self, ChangeServer.Approve.self, ChangeServer.Suspend.self, ChangeServer.Revoke.self])
}

struct ListServers: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List every server with its status.")

    func run() async throws {
        try await reportingErrors {
            let servers = try await OperatorCommands.listServers(try BrokerConfiguration.fromEnvironment())
            func pad(_ s: String, _ n: Int) -> String { s.padding(toLength: n, withPad: " ", startingAt: 0) }
            print(pad("NAME", 20) + "  " + pad("STATUS", 9) + "  ONLINE  LOAD  " + pad("OVERLAY", 15) + "  COUNTRY  ENDPOINTS")
            for s in servers {
                print(pad(s.name, 20) + "  " + pad(s.status, 9) + "  " + pad(s.online ? "yes" : "no", 6) + "  "
                      + pad(s.load.map { String(format: "%.2f", $0) } ?? "-", 4) + "  " + pad(s.ipv4Address ?? "-", 15) + "  "
                      + pad(s.country ?? "-", 7) + "  " + s.endpoints.joined(separator: ","))
            }
        }
    }
}

/// `approve|suspend|revoke NAME`: one command shape, three verbs.
enum ChangeServer {
    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "approve", abstract: "Approve a pending or suspended server.")
        @Argument(help: "The server's name (see `servers list`).") var name: String
        func run() async throws { try await ChangeServer.run(name, to: "approved", done: "Approved") }
    }

    struct Suspend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "suspend", abstract: "Take a server out of use until approved again.")
        @Argument(help: "The server's name (see `servers list`).") var name: String
        func run() async throws { try await ChangeServer.run(name, to: "suspended", done: "Suspended") }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Revoke a server for good; its credential stops working.")
        @Argument(help: "The server's name (see `servers list`).") var name: String
        func run() async throws { try await ChangeServer.run(name, to: "revoked", done: "Revoked") }
    }

    static func run(_ name: String, to status: String, done: String) async throws {
        try await reportingErrors {
            try await OperatorCommands.setServerStatus(try BrokerConfiguration.fromEnvironment(), name: name, to: status)
            print("\(done) server \(name).")
        }
    }
}
