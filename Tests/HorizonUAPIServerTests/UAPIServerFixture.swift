import Foundation
import HorizonDevice
import HorizonNetnsKit

/// A real Device in a namespace of its own, served on a socket in a private directory
/// (not /var/run/wireguard), all removed by `tearDown()`.
final class UAPIServerFixture {
    let namespace: NetworkNamespace
    let device: Device
    let server: UAPIServer
    let directory: String
    static let interface = "hztnuapi0"

    init() throws {
        namespace = try NetworkNamespace(prefix: "hztn")
        directory = NSTemporaryDirectory() + "hztn-uapi-\(getpid())-\(UUID().uuidString.prefix(8))/wireguard"
        device = try namespace.run { try Device(options: DeviceOptions(interfaceName: Self.interface)) }
        server = try UAPIServer(device: device, interfaceName: Self.interface, directory: directory)
    }

    var socketPath: String { "\(directory)/\(Self.interface).sock" }

    func client() throws -> UAPITestClient { try UAPITestClient(path: socketPath) }

    func tearDown() {
        server.close()
        device.close()
        namespace.remove()
        try? FileManager.default.removeItem(atPath: (directory as NSString).deletingLastPathComponent)
    }
}
