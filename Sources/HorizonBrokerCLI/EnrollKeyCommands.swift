import ArgumentParser
import Foundation
import HorizonBroker

/// `horizon-broker enroll-key …`: keys that let servers and devices register.
struct EnrollKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enroll-key",
        abstract: "Manage enrollment keys directly in the store (works while the broker runs).",
        subcommands: [CreateEnrollKey.self, ListEnrollKeys.self, RevokeEnrollKey.self])
}

struct CreateEnrollKey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create an enrollment key and print it (shown once).")

    @Option(name: .customLong("for"), help: "What may enroll with it: server or device.")
    var purpose: String

    @Option(help: "The user that devices enrolled with this key belong to.")
    var user: String?

    @Flag(help: "Allow any number of enrollments (default: the key works once).")
    var reusable = false

    @Option(help: "Lifetime, e.g. 30m, 24h, 7d (default: no expiry).")
    var expires: String?

    func run() async throws {
        try await reportingErrors {
            let config = try BrokerConfiguration.fromEnvironment()
            let (secret, key) = try await OperatorCommands.createEnrollmentKey(
                config, purpose: purpose, username: user, reusable: reusable, expires: expires)
            let expiry = key.expiresAt.map { "expires \(ISO8601DateFormatter().string(from: $0))" } ?? "no expiry"
            print("Created \(key.reusable ? "reusable" : "one-off") \(key.purpose) enrollment key \(key.id.uuidString) (\(expiry)).")
            print("Key (shown once): \(secret)")
        }
    }
}

struct ListEnrollKeys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List enrollment keys.")

    func run() async throws {
        try await reportingErrors {
            let keys = try await OperatorCommands.listEnrollmentKeys(try BrokerConfiguration.fromEnvironment())
            func pad(_ s: String, _ n: Int) -> String { s.padding(toLength: n, withPad: " ", startingAt: 0) }
            print(pad("ID", 36) + "  FOR     KIND      USES  USER      EXPIRES")
            let formatter = ISO8601DateFormatter()
            for k in keys {
                print(k.id.uuidString + "  " + pad(k.purpose, 6) + "  " + pad(k.reusable ? "reusable" : "one-off", 8) + "  "
                      + pad(String(k.uses), 4) + "  " + pad(k.username ?? "-", 8) + "  "
                      + (k.expiresAt.map(formatter.string(from:)) ?? "never"))
            }
        }
    }
}

struct RevokeEnrollKey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Revoke an enrollment key.")

    @Argument(help: "The key's id (see `enroll-key list`).")
    var id: String

    func run() async throws {
        try await reportingErrors {
            try await OperatorCommands.revokeEnrollmentKey(try BrokerConfiguration.fromEnvironment(), id: id)
            print("Revoked enrollment key \(id).")
        }
    }
}
