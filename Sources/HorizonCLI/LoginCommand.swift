import ArgumentParser
import Foundation
import HorizonNode

/// `horizon login`: enroll this device as a client.
struct LoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Enroll this device with a broker as a client.",
        discussion: """
            With --username the password is prompted for (or read from standard input when it is \
            not a terminal); --token takes a user's API token; --enroll-key enrolls unattended with \
            a device enrollment key. The daemon proves it holds the device key and keeps the \
            device credential in its state directory.
            """
    )

    @Option(help: ArgumentHelp("The broker's URL.", valueName: "url"))
    var broker: String

    @Option(help: ArgumentHelp("Your user name at the broker (the password is prompted for).", valueName: "user"))
    var username: String?

    @Option(help: ArgumentHelp("A user API token instead of a password.", valueName: "token"))
    var token: String?

    @Option(name: .customLong("enroll-key"), help: ArgumentHelp("A device enrollment key, for unattended enrollment.", valueName: "key"))
    var enrollKey: String?

    @Option(help: ArgumentHelp("This device's name (default: the host name).", valueName: "name"))
    var name = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "device"

    @OptionGroup var daemon: DaemonSocket
    @OptionGroup var output: OutputFormat

    func validate() throws {
        let given = [username != nil, token != nil, enrollKey != nil].filter { $0 }.count
        guard given == 1 else { throw ValidationError("give exactly one of --username, --token or --enroll-key") }
    }

    func run() async throws {
        let credential: LoginRequest.Credential
        if let token { credential = .token(token) } else if let enrollKey { credential = .enrollmentKey(enrollKey) } else {
            credential = .password(username: username ?? "", password: try PasswordPrompt.read("Password for \(username ?? ""): "))
        }
        let response = try await daemon.send(.POST, LocalAPIPath.login, body: LoginRequest(broker: broker, name: name, credential: credential))
        if output.json { return Console.write(String(decoding: response.body, as: UTF8.self)) }
        let status = try response.decode(AgentStatus.self)
        Console.write("logged in: device '\(status.node?.name ?? name)' at \(broker), overlay \(status.node?.addresses.joined(separator: ", ") ?? "-")")
    }
}

/// A password from the terminal without echo, or a line of standard input in scripts.
enum PasswordPrompt {
    static func read(_ prompt: String) throws -> String {
        if isatty(STDIN_FILENO) == 1, let entered = getpass(prompt) {
            return String(cString: entered)
        }
        guard let line = Swift.readLine(strippingNewline: true), !line.isEmpty else {
            throw CLIError("no password given — type it at the prompt or pipe it on standard input")
        }
        return line
    }
}
