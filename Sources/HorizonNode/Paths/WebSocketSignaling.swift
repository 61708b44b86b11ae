import Foundation
import HorizonCore
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket
import Synchronization

/// Signaling over the broker's `/api/v1/node/signal` WebSocket with the node's credential:
/// connects, reconnects with backoff whenever the socket closes or cannot be opened, answers
/// the broker's pings. What is sent while disconnected is dropped (`PeerPaths` repeats it).
/// An `https://` broker is reached over TLS (`wss`).
public final class WebSocketSignaling: SignalingTransport {
    private typealias Socket = NIOAsyncChannel<WebSocketFrame, WebSocketFrame>
    private let broker: URL
    private let credential: String
    private let stream: AsyncStream<SignalEnvelope>
    private let continuation: AsyncStream<SignalEnvelope>.Continuation
    private let writer = Mutex<NIOAsyncChannelOutboundWriter<WebSocketFrame>?>(nil)
    private let runner = Mutex<Task<Void, Never>?>(nil)
    private let logger = Logger(label: "horizon.paths.signal")

    public init(broker: URL, credential: String) {
        self.broker = broker
        self.credential = credential
        (stream, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(256))
    }

    public func incoming() -> AsyncStream<SignalEnvelope> {
        runner.withLock { task in
            if task == nil { task = Task { await self.run() } }
        }
        return stream
    }

    public func send(_ envelope: SignalEnvelope) async {
        guard let writer = writer.withLock({ $0 }),
              let json = try? JSONEncoder().encode(OutgoingSignalFrame(to: envelope.peer, payload: envelope.signal)) else { return }
        let frame = WebSocketFrame(fin: true, opcode: .text, maskKey: .random(), data: ByteBuffer(bytes: json))
        try? await writer.write(frame)
    }

    public func close() async {
        runner.withLock { $0?.cancel() }
        continuation.finish()
    }

    private func run() async {
        var backoff = Backoff(initial: .milliseconds(500), maximum: .seconds(30))
        while !Task.isCancelled {
            do {
                let socket = try await connect()
                backoff.reset()
                try await socket.executeThenClose { inbound, outbound in
                    writer.withLock { $0 = outbound }
                    defer { writer.withLock { $0 = nil } }
                    try await withTaskCancellationHandler {
                        for try await frame in inbound { try await handle(frame, outbound: outbound) }
                    } onCancel: {
                        outbound.finish()
                    }
                }
            } catch {
                logger.debug("signal socket: \(error)")
            }
            try? await Task.sleep(for: backoff.delay())
        }
    }

    private func handle(_ frame: WebSocketFrame, outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>) async throws {
        switch frame.opcode {
        case .text:
            guard let message = try? JSONDecoder().decode(IncomingSignalFrame.self, from: Data(frame.unmaskedData.readableBytesView)) else { return }
            if let refusal = message.error {
                logger.debug("signal refused: \(refusal.code) \(refusal.message)")
            } else if let from = message.from, let payload = message.payload {
                continuation.yield(SignalEnvelope(peer: from, signal: payload))
            }
        case .ping:
            try await outbound.write(WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(), data: frame.unmaskedData))
        case .connectionClose:
            outbound.finish()
        default:
            return
        }
    }

    private enum Upgrade {
        case socket(Socket)
        case refused
    }

    private struct Refused: Error {}

    private func connect() async throws -> Socket {
        guard let host = broker.host else { throw Refused() }
        let secure = broker.scheme == "https"
        let defaultPort = secure ? 443 : 80
        let port = broker.port ?? defaultPort
        let path = broker.path.hasSuffix("/") ? String(broker.path.dropLast()) : broker.path
        // An https broker: TLS with the system's trust store, the name checked against the
        // certificate (SNI only for names, as TLS allows no IP addresses there).
        let tls = secure ? try NIOSSLContext(configuration: .makeClientConfiguration()) : nil
        let serverName = IPAddress(host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))) == nil ? host : nil
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: port == defaultPort ? host : "\(host):\(port)")
        headers.add(name: "Authorization", value: "Bearer \(credential)")
        headers.add(name: "Content-Length", value: "0")
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path + "/api/v1/node/signal", headers: headers)
        let upgrade: EventLoopFuture<Upgrade> = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(10))
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: serverName))
                    }
                    let upgrader = NIOTypedWebSocketClientUpgrader<Upgrade>(maxFrameSize: 1 << 16) { channel, _ in
                        channel.eventLoop.makeCompletedFuture { .socket(try Socket(wrappingChannelSynchronously: channel)) }
                    }
                    let configuration = NIOTypedHTTPClientUpgradeConfiguration(
                        upgradeRequestHead: head, upgraders: [upgrader],
                        notUpgradingCompletionHandler: { $0.eventLoop.makeCompletedFuture { .refused } })
                    return try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(
                        configuration: .init(upgradeConfiguration: configuration))
                }
            }
        guard case .socket(let socket) = try await upgrade.get() else { throw Refused() }
        return socket
    }
}
