import ArgumentParser
import Foundation
import Synchronization
import Vapor

/// Measures netmap change fan-out: opens many netmap WebSockets to a broker (loopback only),
/// waits until each has its first map, runs a command that changes the netmap, and reports
/// how long each watcher took to receive a map with a new version. Run by bench/broker.sh.
@main
struct HorizonBrokerBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "horizon-broker-bench",
        abstract: "Time from a netmap change until every WebSocket watcher has the new map.")

    @ArgumentParser.Option(help: "Broker base URL; must be loopback, e.g. ws://127.0.0.1:8080.")
    var url: String

    @ArgumentParser.Option(help: "File with one node credential per line; the first --watchers are used.")
    var credentials: String

    @ArgumentParser.Option(help: "How many watchers to open.")
    var watchers = 1000

    @ArgumentParser.Option(help: "Shell command that makes the change (run once all watchers have a map).")
    var trigger: String

    @ArgumentParser.Option(help: "Seconds to wait for every watcher to connect, and again for the change.")
    var timeout = 60.0

    func run() async throws {
        guard let host = URL(string: url)?.host, ["127.0.0.1", "::1", "localhost"].contains(host) else {
            throw ValidationError("--url must point at loopback (127.0.0.1, ::1 or localhost)")
        }
        let secrets = try String(contentsOfFile: credentials, encoding: .utf8)
            .split(separator: "\n").map(String.init).prefix(watchers)
        guard secrets.count == watchers else { throw ValidationError("\(credentials) has only \(secrets.count) credentials") }

        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let board = Scoreboard(count: watchers)
        var sockets: [WebSocket] = []
        for batch in Array(secrets.enumerated()).chunked(into: 100) {
            sockets += try await withThrowingTaskGroup(of: WebSocket.self) { tasks in
                for (index, secret) in batch {
                    tasks.addTask { try await Self.watch(index, secret: secret, url: url, board: board, group: group) }
                }
                return try await tasks.reduce(into: []) { $0.append($1) }
            }
        }
        guard try await board.wait(timeout: timeout, until: { $0.connected == watchers }) else {
            throw ValidationError("only \(board.snapshot().connected) of \(watchers) watchers got a first map")
        }

        let started = ContinuousClock.now
        board.start(at: started)
        let status = try await Self.shell(trigger)
        guard status == 0 else { throw ValidationError("the trigger command exited with status \(status)") }
        _ = try await board.wait(timeout: timeout, until: { $0.changed.count == watchers })
        let result = board.snapshot()

        for socket in sockets { try? await socket.close() }
        try await group.shutdownGracefully()
        print(Self.report(result.changed, watchers: watchers))
    }

    private static func watch(_ index: Int, secret: String, url: String, board: Scoreboard, group: any EventLoopGroup) async throws -> WebSocket {
        var headers = HTTPHeaders()
        headers.add(name: .authorization, value: "Bearer \(secret)")
        let promise = group.any().makePromise(of: WebSocket.self)
        WebSocket.connect(to: url + "/api/v1/node/netmap/watch", headers: headers, on: group) { socket in
            socket.onText { _, text in board.received(index, version: Self.version(in: text)) }
            promise.succeed(socket)
        }.cascadeFailure(to: promise)
        return try await promise.futureResult.get()
    }

    private static func version(in text: String) -> String {
        struct Versioned: Decodable { var version: String }
        return (try? JSONDecoder().decode(Versioned.self, from: Data(text.utf8)).version) ?? ""
    }

    private static func shell(_ command: String) async throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        return try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
    }

    static func report(_ latencies: [Duration], watchers: Int) -> String {
        let sorted = latencies.sorted()
        func ms(_ d: Duration?) -> String {
            guard let d else { return "-" }
            return String(format: "%.1f", Double(d.components.seconds) * 1e3 + Double(d.components.attoseconds) / 1e15)
        }
        func percentile(_ p: Double) -> Duration? {
            sorted.isEmpty ? nil : sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
        }
        return "fanout watchers=\(watchers) received=\(sorted.count) p50_ms=\(ms(percentile(0.5))) p99_ms=\(ms(percentile(0.99))) max_ms=\(ms(sorted.last))"
    }
}

/// What every watcher has seen: its first version, and when a different one arrived.
final class Scoreboard: Sendable {
    struct State: Sendable {
        var first: [String?]
        var connected = 0
        var start: ContinuousClock.Instant?
        var changed: [Duration] = []
        var done: [Bool]
    }

    private let state: Mutex<State>

    init(count: Int) {
        state = Mutex(State(first: Array(repeating: nil, count: count), done: Array(repeating: false, count: count)))
    }

    func received(_ index: Int, version: String) {
        let now = ContinuousClock.now
        state.withLock { state in
            guard let first = state.first[index] else {
                state.first[index] = version
                state.connected += 1
                return
            }
            guard let start = state.start, version != first, !state.done[index] else { return }
            state.done[index] = true
            state.changed.append(now - start)
        }
    }

    func start(at instant: ContinuousClock.Instant) { state.withLock { $0.start = instant } }

    func snapshot() -> State { state.withLock { $0 } }

    /// Polls every 10 ms (bounded by `timeout`) until `condition` holds.
    func wait(timeout: Double, until condition: (State) -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        while !condition(snapshot()) {
            guard ContinuousClock.now < deadline else { return false }
            try await Task.sleep(for: .milliseconds(10))
        }
        return true
    }
}

extension Array {
    func chunked(into size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
