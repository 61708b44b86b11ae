import Foundation
import HorizonCore
import HorizonNAT
import HorizonUDP

/// Round-trip time to servers' WireGuard endpoints, measured with a STUN Binding request to
/// the endpoint (servers answer STUN on their WireGuard port). Probes run concurrently, at
/// most `width` at a time, each on a blocking socket of its own on a thread of its own.
enum LatencyProbe {
    static let width = 8
    /// Three tries 200 ms, 400 ms, 800 ms apart: an unanswering server costs 1.4 s at most.
    static let policy = STUNRetransmission(initialRTO: .milliseconds(200), requestCount: 3, lastWaitMultiplier: 4)

    /// Milliseconds per endpoint (`host:port`, resolved here); nil where no answer came.
    static func measure(_ endpoints: [String]) async -> [String: Double] {
        var results: [String: Double] = [:]
        await withTaskGroup(of: (String, Double?).self) { group in
            var pending = endpoints[...]
            func launch() {
                guard let endpoint = pending.popFirst() else { return }
                group.addTask { (endpoint, await once(endpoint)) }
            }
            for _ in 0..<width { launch() }
            for await (endpoint, rtt) in group {
                if let rtt { results[endpoint] = rtt }
                launch()
            }
        }
        return results
    }

    static func once(_ endpoint: String) async -> Double? {
        guard let parsed = try? Endpoint.parse(endpoint),
              let resolved = try? EndpointResolver.resolve(parsed), case .address(let ip) = resolved.host
        else { return nil }
        return await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(returning: blockingProbe(UDPAddress(ip: ip, port: resolved.port)))
            }
        }
    }

    private static func blockingProbe(_ server: UDPAddress) -> Double? {
        guard let socket = try? UDPSocket(family: server.ip.isIPv4 ? .ipv4 : .ipv6, bufferBytes: 1 << 16) else { return nil }
        defer { socket.close() }
        let started = MonotonicTime.now()
        guard (try? STUNClient(socket: socket).reflexiveAddress(from: server, policy: policy)) != nil else { return nil }
        return Double(MonotonicTime.now().since(started).totalNanoseconds) / 1e6
    }
}
