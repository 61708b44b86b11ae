// HorizonDeviceBench: brings up one Horizon `Device` from a wg-quick style config file and
// keeps it up until SIGINT/SIGTERM, then prints its counters. For throughput measurements
// (iperf3 through the tunnel) until `horizon tunnel` exists; run by hand, never by tests.
//
//   HorizonDeviceBench --config a.conf [--interface hzb0]
//
// It prints "up: NAME port N" once the device runs; addresses and link state are the
// caller's (ip addr add ... dev NAME; ip link set NAME up), like any WireGuard interface.
//
// Measuring (as done for the device's numbers): build with
//   HORIZON_DATA_PLANE_ONLY=1 swift build -c release --scratch-path .build-dp --product HorizonDeviceBench
// make two namespaces joined by a veth, start one instance in each (ip netns exec NS ...)
// with configs naming each other as peer, then run iperf3 -s in one and iperf3 -c through the
// tunnel from the other; CPU per byte = (utime+stime of both instances) x Hz / bytes.
#if canImport(Glibc)
import Glibc
#endif
import HorizonCore
import HorizonDevice
import Synchronization

let stopRequested = Atomic<Bool>(false)
// First thing: background jobs of a script start with SIGINT ignored.
signal(SIGINT) { _ in stopRequested.store(true, ordering: .relaxed) }
signal(SIGTERM) { _ in stopRequested.store(true, ordering: .relaxed) }

func say(_ text: String, to fd: Int32 = 1) {
    let line = Array((text + "\n").utf8)
    _ = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
}

func fail(_ message: String) -> Never {
    say("error: \(message)", to: 2)
    exit(1)
}

func readFile(_ path: String) -> String? {
    guard let file = fopen(path, "r") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
        guard n > 0 else { break }
        bytes += chunk.prefix(n)
    }
    return String(decoding: bytes, as: UTF8.self)
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
guard let configPath, let text = readFile(configPath) else {
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
say("up: \(device.interfaceName) port \(device.snapshot().listenPort)")

while !stopRequested.load(ordering: .relaxed) {
    usleep(100_000)
}
let counters = device.counters
device.close()
say("counters: \(counters)")
