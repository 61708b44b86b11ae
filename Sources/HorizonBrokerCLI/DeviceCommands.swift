import ArgumentParser
import Foundation
import HorizonBroker

/// `horizon-broker devices …`: users' devices in the store.
struct DeviceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "List and revoke devices directly in the store (works while the broker runs).",
        subcommands: [ListDevices.self, RevokeDevice.self])
}

struct ListDevices: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List devices with their owners.")

    @Option(help: "Only this user's devices.")
    var user: String?

    func run() async throws {
        try await reportingErrors {
            let devices = try await OperatorCommands.listDevices(try BrokerConfiguration.fromEnvironment(), username: user)
            func pad(_ s: String, _ n: Int) -> String { s.padding(toLength: n, withPad: " ", startingAt: 0) }
            print(pad("ID", 36) + "  " + pad("NAME", 20) + "  " + pad("OWNER", 12) + "  " + pad("STATUS", 8) + "  OVERLAY")
            for d in devices {
                print(d.id.uuidString + "  " + pad(d.name, 20) + "  " + pad(d.owner ?? "-", 12) + "  " + pad(d.status, 8) + "  "
                      + (d.ipv4Address ?? "-"))
            }
        }
    }
}

struct RevokeDevice: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke", abstract: "Revoke a device for good; its credential stops working.")

    @Argument(help: "The device's id, or its name if no other device has it (see `devices list`).")
    var device: String

    func run() async throws {
        try await reportingErrors {
            let revoked = try await OperatorCommands.revokeDevice(try BrokerConfiguration.fromEnvironment(), idOrName: device)
            print("Revoked device \(revoked.name) (\(revoked.id.uuidString)) of \(revoked.owner ?? "no user").")
        }
    }
}
