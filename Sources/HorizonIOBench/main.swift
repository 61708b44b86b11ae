import Foundation
import HorizonNetnsKit

// horizon I/O benchmark (not a test): `HorizonIOBench [tun|udp|all] [seconds]`.
// TUN runs need root (they create hzio-* namespaces and remove them on exit).
let arguments = CommandLine.arguments.dropFirst()
let which = arguments.first ?? "all"
let seconds = arguments.dropFirst().first.flatMap(Double.init) ?? 5

do {
    if which == "udp" || which == "all" {
        for style in UDPSendBenchmark.Style.allCases {
            print(try UDPSendBenchmark.run(style, seconds: seconds).row)
        }
    }
    if which == "tun" || which == "all" {
        guard NetworkNamespace.isAvailable else {
            print("TUN benchmark skipped: needs root and /dev/net/tun")
            exit(0)
        }
        for offloads in [false, true] {
            print(try TUNRelayBenchmark.run(offloads: offloads, seconds: seconds).row)
        }
    }
} catch {
    print("error: \(error)")
    exit(1)
}
