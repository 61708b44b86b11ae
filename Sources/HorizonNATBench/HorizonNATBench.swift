import ArgumentParser
import Foundation
import HorizonCore
import HorizonNetnsKit
import HorizonNode
import HorizonPathsLab

/// Not a test: how long two nodes behind each pair of Linux NATs take to settle on a path
/// (median of --runs, each on a fresh topology), and TCP throughput (iperf3) over a direct
/// and a relayed path. Root only; run through bench/nat.sh, which builds in release and
/// holds /work/bench.lock.
@main
struct HorizonNATBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Set-up time per NAT matrix cell, relayed vs direct throughput.")

    @Option(help: "Set-up runs per matrix cell.")
    var runs = 10

    @Option(help: "Seconds of iperf3 per throughput measurement.")
    var seconds = 5

    static let cells: [(LinuxNATNetwork.NAT, LinuxNATNetwork.NAT)] = [
        (.none, .none), (.none, .masquerade), (.none, .randomFully),
        (.masquerade, .masquerade), (.masquerade, .randomFully), (.randomFully, .randomFully),
    ]

    func run() async throws {
        guard NetworkNamespace.isAvailable, NamespacedCoturn.isInstalled else {
            throw ValidationError("needs root, /dev/net/tun and coturn (apt-get install coturn)")
        }
        print("| A | B | path | set-up median | min | max | runs |")
        print("|---|---|---|---|---|---|---|")
        for (a, b) in Self.cells {
            var times: [Double] = []
            var kinds: Set<String> = []
            for _ in 0..<runs {
                let (time, kind) = try await PathPair.with(a, b, prefix: "hznat4b") { pair in (await pair.setUpTime(), await pair.kind()) }
                if let time { times.append(time) }
                kinds.insert(kind)
            }
            guard !times.isEmpty else {
                print("| \(a) | \(b) | none | - | - | - | 0 of \(runs) |")
                continue
            }
            times.sort()
            let median = times.count % 2 == 1 ? times[times.count / 2] : (times[times.count / 2 - 1] + times[times.count / 2]) / 2
            print("| \(a) | \(b) | \(kinds.sorted().joined(separator: "/")) | \(ms(median)) | \(ms(times.first!)) | \(ms(times.last!)) | \(times.count) of \(runs) |")
        }
        print("")
        print("| path | NATs | relay | iperf3 TCP |")
        print("|---|---|---|---|")
        let throughputCells: [(LinuxNATNetwork.NAT, LinuxNATNetwork.NAT, PathPair.Relay)] = [
            (.masquerade, .masquerade, .coturn), (.randomFully, .randomFully, .coturn), (.randomFully, .randomFully, .horizon),
        ]
        for (a, b, relay) in throughputCells {
            let (kind, rate) = try await PathPair.with(a, b, prefix: "hznat4b", relay: relay) { pair in
                _ = await pair.setUpTime()
                return (await pair.kind(), try pair.throughput(seconds: seconds))
            }
            print("| \(kind) | \(a) <-> \(b) | \(relay) | \(String(format: "%.0f", rate / 1e6)) Mbit/s |")
        }
    }

    private func ms(_ seconds: Double) -> String { String(format: "%.0f ms", seconds * 1000) }
}
