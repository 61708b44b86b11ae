import ArgumentParser
import Foundation
import HorizonBroker

/// `horizon-broker user …`: operator commands against the store the environment selects.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Manage broker users directly in the store (works while the broker runs).",
        subcommands: [CreateUser.self, ListUsers.self, ResetPassword.self])
}

struct CreateUser: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a user; prints a generated password unless --password-stdin is given.")

    @Argument(help: "The username: letters, digits, '.', '_' and '-'.")
    var name: String

    @Flag(help: "Make the user an administrator.")
    var admin = false

    @Flag(help: "Read the password from the first line of standard input.")
    var passwordStdin = false

    func run() async throws {
        try await reportingErrors {
            let password = passwordStdin ? try readPasswordFromStdin() : nil
            let config = try BrokerConfiguration.fromEnvironment()
            let generated = try await OperatorCommands.createUser(config, username: name, admin: admin, password: password)
            print("Created \(admin ? "administrator" : "user") '\(name)'.")
            if let generated { print("Password (shown once): \(generated)") }
        }
    }
}

struct ListUsers: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List users.")

    func run() async throws {
        try await reportingErrors {
            let users = try await OperatorCommands.listUsers(try BrokerConfiguration.fromEnvironment())
            let width = max(8, users.map(\.username.count).max() ?? 0)
            print("USERNAME".padding(toLength: width, withPad: " ", startingAt: 0) + "  ROLE   STATUS    CREATED")
            let formatter = ISO8601DateFormatter()
            for user in users {
                let status = user.disabled ? "disabled" : user.locked ? "locked" : "active"
                print(user.username.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                      + user.role.padding(toLength: 5, withPad: " ", startingAt: 0) + "  "
                      + status.padding(toLength: 8, withPad: " ", startingAt: 0) + "  "
                      + (user.createdAt.map(formatter.string(from:)) ?? "-"))
            }
        }
    }
}

struct ResetPassword: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset-password",
        abstract: "Set a new password (ends the user's sessions, lifts a lockout); prints it unless --password-stdin is given.")

    @Argument(help: "The username.")
    var name: String

    @Flag(help: "Read the new password from the first line of standard input.")
    var passwordStdin = false

    func run() async throws {
        try await reportingErrors {
            let password = passwordStdin ? try readPasswordFromStdin() : nil
            let config = try BrokerConfiguration.fromEnvironment()
            let generated = try await OperatorCommands.resetPassword(config, username: name, password: password)
            print("Password of '\(name)' reset; its sessions have ended.")
            if let generated { print("New password (shown once): \(generated)") }
        }
    }
}

/// The first line of standard input, without its newline.
func readPasswordFromStdin() throws -> String {
    guard let line = readLine(strippingNewline: true), !line.isEmpty else {
        throw OperatorError("no password on standard input (pipe it in, e.g. `echo \"$PASSWORD\" | horizon-broker user …`)")
    }
    return line
}

/// Prints a failure as one `error: …` line on standard error and exits with status 1.
func reportingErrors(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        throw ExitCode.failure
    }
}
