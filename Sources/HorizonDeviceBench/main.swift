// HorizonDeviceBench: brings up one Horizon `Device` from a wg-quick style config file and
// keeps it up until SIGINT/SIGTERM, then prints its counters. For throughput measurements
// (iperf3 through the tunnel) until `horizon tunnel` exists; run by hand, never by tests.
//
//   HorizonDeviceBench --config a.conf [--interface hzb0]
//
// Addresses from the config's Address lines are put on the interface and it is set up.
//
// Measuring (as done for the device's numbers): build with
//   HORIZON_DATA_PLANE_ONLY=1 swift build -c release --scratch-path .build-dp --product HorizonDeviceBench
// make two namespaces joined by a veth, start one instance in each (ip netns exec NS ...)
// with configs naming each other as peer, then run iperf3 -s in one and iperf3 -c through the
// tunnel from the other; CPU per byte = (utime+stime of both instances) x Hz / bytes.
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import HorizonCore
import HorizonDevice
import Synchronization

let stopRequested = Atomic<Bool>(false)

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    exit(1)
}

var arguments = CommandLine.arguments.dropFirst()
var configPath: String?
var interfaceName = ""
while let argument = arguments.popFirst() {
    switch argument {
    case "--config": configPath = arguments.popFirst()
    case "--interface": interfaceName = arguments.popFirst() ?? ""
    default: fail("unknown argument \(argument) (usage: HorizonDeviceBench --config FILE [--interface NAME])")
    }
}
guard let configPath, let text = try? String(contentsOfFile: configPath, encoding: .utf8) else {
    fail("--config FILE is required and must be readable")
}
let config: WireGuardConfig
do {
    config = try WireGuardConfig.parse(text, fileName: configPath)
} catch {
    fail("\(error)")
}

var operations: [UAPISetOperation] = [.privateKey(config.interface.privateKey), .listenPort(config.interface.listenPort ?? 0)]
for peer in config.peers {
    operations.append(.peer(peer.publicKey))
    if let psk = peer.presharedKey { operations.append(.presharedKey(psk)) }
    if let endpoint = peer.endpoint {
        guard case .address = endpoint.host else { fail("endpoint \(endpoint) must be an IP address here") }
        operations.append(.endpoint(endpoint))
    }
    if let keepalive = peer.persistentKeepalive { operations.append(.persistentKeepaliveInterval(keepalive)) }
    operations += peer.allowedIPs.map { .allowedIP($0) }
}

let device: Device
do {
    device = try Device(options: DeviceOptions(interfaceName: interfaceName, mtu: config.interface.mtu ?? 1420))
} catch {
    fail("\(error)")
}
if let error = device.apply(operations) { fail("cannot apply \(configPath): \(error)") }

func ip(_ arguments: [String]) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["ip"] + arguments
    do {
        try process.run()
        process.waitUntilExit()
    } catch {
        fail("cannot run ip: \(error)")
    }
    if process.terminationStatus != 0 { fail("ip \(arguments.joined(separator: " ")) failed") }
}
for address in config.interface.addresses {
    ip(["addr", "add", "\(address.address)/\(address.length)", "dev", device.interfaceName])
}
ip(["link", "set", device.interfaceName, "up"])
print("up: \(device.interfaceName) port \(device.snapshot().listenPort)")
fflush(nil)

signal(SIGINT) { _ in stopRequested.store(true, ordering: .relaxed) }
signal(SIGTERM) { _ in stopRequested.store(true, ordering: .relaxed) }
while !stopRequested.load(ordering: .relaxed) {
    usleep(100_000)
}
let counters = device.counters
device.close()
print("counters: \(counters)")
