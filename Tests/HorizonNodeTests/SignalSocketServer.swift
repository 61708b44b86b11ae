import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket
import Synchronization

/// A WebSocket server on loopback that behaves like the broker's `/api/v1/node/signal` for one
/// node: it records each upgrade request's path and Authorization header, answers every
/// `{"to": X, "payload": P}` with `{"from": X, "payload": P}` (as if X answered at once) after
/// a refusal frame, and closes the connection after `closeAfter` answers (to test reconnecting).
final class SignalSocketServer: Sendable {
    /// What the server saw, shared with its connections' handlers.
    final class Log: Sendable {
        let upgrades = Mutex<[(path: String, authorization: String?)]>([])
        let answered = Mutex(0)
    }

    let channel: any Channel
    let log = Log()

    init(closeAfter: Int) throws {
        let log = log
        let upgrader = NIOWebSocketServerUpgrader(
            shouldUpgrade: { channel, head in
                log.upgrades.withLock { $0.append((head.uri, head.headers.first(name: "Authorization"))) }
                return channel.eventLoop.makeSucceededFuture(HTTPHeaders())
            },
            upgradePipelineHandler: { channel, _ in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(EchoAsPeer(log: log, closeAfter: closeAfter))
                }
            })
        channel = try ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                        withServerUpgrade: (upgraders: [upgrader], completionHandler: { _ in }))
                }
            }
            .bind(host: "127.0.0.1", port: 0).wait()
    }

    var url: URL { URL(string: "http://127.0.0.1:\(channel.localAddress!.port!)")! }

    func stop() { try? channel.close().wait() }
}

private final class EchoAsPeer: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame
    let log: SignalSocketServer.Log
    let closeAfter: Int

    init(log: SignalSocketServer.Log, closeAfter: Int) {
        self.log = log
        self.closeAfter = closeAfter
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        guard frame.opcode == .text, frame.maskKey != nil,
              let object = try? JSONSerialization.jsonObject(with: Data(frame.unmaskedData.readableBytesView)) as? [String: Any],
              let to = object["to"] as? String, let payload = object["payload"] else { return }
        let refusal = #"{"error":{"code":"undeliverable","message":"not here"},"to":"nobody"}"#
        let answer = try! JSONSerialization.data(withJSONObject: ["from": to, "payload": payload])
        context.write(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .ping, data: ByteBuffer(string: "p"))), promise: nil)
        context.write(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(string: refusal))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(bytes: answer))), promise: nil)
        let count = log.answered.withLock { $0 += 1; return $0 }
        if count % closeAfter == 0 { context.close(promise: nil) }
    }
}
