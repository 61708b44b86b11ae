import Foundation
import HorizonNode
import NIOHTTP1
import Testing

/// The daemon's local API over a real Unix socket in a temporary directory.
@Suite struct LocalAPITests {
    struct Echo: Codable, Equatable { var method: String; var path: String; var query: [String: String]; var text: String }

    /// Serves an echo handler on a fresh socket for the duration of `body`.
    func withServer(_ body: (String) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hz-local-\(UUID().uuidString)").path
        let socket = directory + "/run/horizon.sock"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await serving(socket, handler: { request in
            if request.path == "/v1/fail" { return .error(409, "not now — try later") }
            return .json(Echo(method: request.method, path: request.path, query: request.query,
                              text: String(decoding: request.body, as: UTF8.self)))
        }) { try await body(socket) }
        #expect(!FileManager.default.fileExists(atPath: socket), "the socket file goes away with the server")
    }

    @Test func requestsAndAnswersOverTheSocket() async throws {
        try await withServer { socket in
            let client = LocalAPIClient(socketPath: socket)
            let echo = try await client.send(.POST, "/v1/connect?server=gw-1&json=", body: Data("hello".utf8)).decode(Echo.self)
            #expect(echo == Echo(method: "POST", path: "/v1/connect", query: ["server": "gw-1", "json": ""], text: "hello"))
            for _ in 0..<3 {  // the same client, again: connections are reused or reopened cleanly
                #expect(try await client.send(.GET, "/v1/status").decode(Echo.self).path == "/v1/status")
            }
            let failure = try await client.send(.GET, "/v1/fail")
            #expect(failure.status == 409 && failure.errorMessage == "not now — try later" && !failure.isSuccess)

            let attributes = try FileManager.default.attributesOfItem(atPath: socket)
            let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
            #expect(mode & 0o007 == 0, "others may not open the socket (mode \(String(mode, radix: 8)))")
        }
    }

    @Test func oversizeBodiesAreRefused() async throws {
        try await withServer { socket in
            let response = try await LocalAPIClient(socketPath: socket).send(.POST, "/v1/x", body: Data(count: (1 << 20) + 1))
            #expect(response.status == 413)
        }
    }

    @Test func aMissingDaemonIsOneClearLine() async {
        let client = LocalAPIClient(socketPath: "/tmp/hz-no-such-dir-\(UUID().uuidString)/horizon.sock")
        await #expect(throws: LocalAPIError.self) { _ = try await client.send(.GET, "/v1/status") }
        do {
            _ = try await client.send(.GET, "/v1/status")
        } catch {
            #expect(error.description.contains("daemon is not running") && error.description.contains("horizon daemon"))
        }
    }
}

@Suite struct LocalAPISocketOwnershipTests {
    @Test func aSecondServerDoesNotStealALiveSocketButReplacesAStaleOne() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hz-local-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let socket = directory + "/horizon.sock"
        try await serving(socket, handler: { _ in .json(["who": "first"]) }) { () async throws in
            await #expect(throws: LocalAPIError.self) {
                try await LocalAPIServer.serve(socketPath: socket, handler: { _ in .json(["who": "second"]) })
            }
            #expect(try await LocalAPIClient(socketPath: socket).send(.GET, "/").decode([String: String].self) == ["who": "first"])
        }

        // A socket file nobody listens on (a daemon that was killed) is replaced.
        #expect(FileManager.default.createFile(atPath: socket, contents: Data()))
        try await serving(socket, handler: { _ in .json(["who": "second"]) }) { () async throws in
            #expect(try await LocalAPIClient(socketPath: socket).send(.GET, "/").decode([String: String].self) == ["who": "second"])
        }
    }

    /// A server that stops while connections still arrive — here the liveness probes of
    /// refused second servers, which NIO may accept only after the test moved on — closes
    /// them; dropping one unused would trap the whole process.
    @Test func aServerStopsCleanlyWhileConnectionsArrive() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hz-local-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let socket = directory + "/horizon.sock"
        for _ in 0..<30 {
            try await serving(socket, handler: { _ in .json(["who": "first"]) }) { () async throws in
                for _ in 0..<3 {
                    await #expect(throws: LocalAPIError.self) {
                        try await LocalAPIServer.serve(socketPath: socket, handler: { _ in .json(["who": "second"]) })
                    }
                }
            }
            #expect(!FileManager.default.fileExists(atPath: socket))
        }
    }

    /// A client that outlives a daemon (`horizon server up` polls for minutes) reaches the
    /// daemon started next on the same path, every time. A kept-alive connection to the old
    /// daemon made about one restart in twenty fail, hence the many restarts.
    @Test func aClientReachesEachRestartedDaemon() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hz-local-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let socket = directory + "/horizon.sock"
        let client = LocalAPIClient(socketPath: socket)
        for run in 0..<50 {
            try await serving(socket, handler: { _ in .json(["run": "\(run)"]) }) { () async throws in
                #expect(try await client.send(.GET, "/v1/status").decode([String: String].self) == ["run": "\(run)"])
            }
        }
    }
}

/// Runs `handler` on `socket` while `body` runs, then stops the server and waits until it is gone.
private func serving(_ socket: String, handler: @escaping LocalAPIServer.Handler, _ body: () async throws -> Void) async throws {
    let ready = AsyncStream<Void>.makeStream()
    let server = Task {
        try await LocalAPIServer.serve(socketPath: socket, handler: handler, ready: { ready.continuation.finish() })
    }
    for await _ in ready.stream {}
    do {
        try await body()
    } catch {
        server.cancel()
        _ = await server.result
        throw error
    }
    server.cancel()
    try await server.value
}
