import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// What the scripted server does with one request.
enum ScriptedReply: Sendable {
    /// Answer with this status, headers and body.
    case respond(Int, [(String, String)], String)
    /// Close the connection without answering (a connection reset as the client sees it).
    case reset
    /// Send the head (announcing `length` bytes) and `partial` of the body, then nothing more.
    case stallBody(length: Int, partial: String)
}

/// An in-process HTTP/1.1 server on 127.0.0.1:0 that answers each request with the
/// next scripted reply (the last one repeats), and counts requests.
final class ScriptedHTTPServer: @unchecked Sendable {
    // @unchecked: mutable state is confined to `lock`-free access on the server's single event loop.
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private var channel: (any Channel)?
    private let state: ScriptState

    init(_ script: [ScriptedReply]) { state = ScriptState(script) }

    var port: Int { channel?.localAddress?.port ?? 0 }
    var requestCount: Int { state.count }

    func start() async throws {
        let state = self.state
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(ScriptHandler(state: state))
                }
            }
        channel = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
    }

    func stop() async {
        try? await channel?.close()
        try? await group.shutdownGracefully()
    }
}

/// The script and the request count; touched only from the server's one event loop.
final class ScriptState: @unchecked Sendable {
    private var script: [ScriptedReply]
    private(set) var count = 0
    init(_ script: [ScriptedReply]) { self.script = script }
    func next() -> ScriptedReply {
        count += 1
        return script.count > 1 ? script.removeFirst() : script[0]
    }
}

private final class ScriptHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    let state: ScriptState
    init(state: ScriptState) { self.state = state }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .end = unwrapInboundIn(data) else { return }
        switch state.next() {
        case .reset:
            context.close(promise: nil)
        case .stallBody(let length, let partial):
            var head = HTTPResponseHead(version: .http1_1, status: .ok)
            head.headers.add(name: "Content-Type", value: "text/xml")
            head.headers.add(name: "Content-Length", value: String(length))
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: partial)))), promise: nil)
        case .respond(let status, let headers, let body):
            var head = HTTPResponseHead(version: .http1_1, status: .init(statusCode: status))
            for (k, v) in headers { head.headers.add(name: k, value: v) }
            head.headers.add(name: "Content-Length", value: String(body.utf8.count))
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
