import AWSKit
import AWSSimulator
import Foundation
import Logging

/// The simulator's wire handler as an `HTTPTransport`, without sockets: the real `AWSClient`
/// (SigV4 signing, rate limiting, retries, Query/XML and JSON decoding) talks to a `SimWorld`
/// in the same process. The benchmark uses it to run fleets of thousands of resources in virtual
/// time, where a TCP round trip per call would measure the loopback instead of the engines.
///
/// Fault effects are acted out as the socket server does: a reset throws a transport error, a
/// truncation cuts the body; injected latency is slept on `sleep` (the world's clock).
public struct InProcessSimTransport: HTTPTransport {
    private let handler: AWSWireHandler
    private let sleep: @Sendable (Duration) async throws -> Void

    /// Serves `world`; signatures are checked against its keys unless `verifySignatures` is false.
    public init(world: SimWorld, verifySignatures: Bool = true,
                sleep: @escaping @Sendable (Duration) async throws -> Void) async {
        handler = AWSWireHandler(host: await SimHost(world: world), verifySignatures: verifySignatures)
        self.sleep = sleep
    }

    public func execute(_ request: HTTPRequest, timeout: Duration, logger: Logger) async throws -> HTTPResponse {
        var headers = request.headers
        if !headers.contains(where: { $0.name.lowercased() == "host" }), let host = request.url.host {
            headers.append((name: "Host", value: request.url.port.map { "\(host):\($0)" } ?? host))
        }
        let path = request.url.path.isEmpty ? "/" : request.url.path
        let wire = WireRequest(method: request.method, path: path, query: request.url.query, headers: headers, body: request.body)
        let reply = await handler.handle(wire)
        if reply.latency > .zero { try await sleep(reply.latency) }
        switch reply.fault {
        case .reset:
            throw AWSError(kind: .transport, service: "", operation: "", code: "",
                           message: "connection reset by the simulator (injected fault)")
        case .truncate:
            return HTTPResponse(status: reply.status, headers: reply.headers, body: reply.body.prefix(reply.body.count / 2))
        case nil:
            return HTTPResponse(status: reply.status, headers: reply.headers, body: reply.body)
        }
    }
}
