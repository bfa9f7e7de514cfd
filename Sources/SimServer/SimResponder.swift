import Foundation
import HTTPTypes
import Hummingbird

/// The request context: Hummingbird's core storage plus a way to drop the
/// connection, which a simulated connection reset needs.
struct SimRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// Closes the connection without writing anything more.
    let closeConnection: @Sendable () -> Void

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        let channel = source.channel
        closeConnection = { channel.close(promise: nil) }
    }
}

/// Sends `/_sim/*` to the admin handler and everything else to the AWS handler,
/// then acts out the reply's fault effects: latency is slept for real, a reset
/// closes the connection with no response, a truncation sends the first half
/// of the body with a matching `Content-Length` and `Connection: close`.
struct SimResponder: HTTPResponder {
    typealias Context = SimRequestContext
    let aws: AWSWireHandler
    let admin: SimAdminHandler
    let maxBodyBytes: Int

    func respond(to request: Request, context: SimRequestContext) async throws -> Response {
        var request = request
        let buffer = try await request.collectBody(upTo: maxBodyBytes)
        // HTTP/1 `Host` arrives as the `:authority` pseudo-header; SigV4 signs it as `host`.
        var headers: [(name: String, value: String)] = []
        if let authority = request.head.authority { headers.append((name: "Host", value: authority)) }
        for field in request.headers { headers.append((name: field.name.rawName, value: field.value)) }
        let wire = WireRequest(method: request.method.rawValue, path: request.uri.path, query: request.uri.query,
                               headers: headers, body: Data(buffer.readableBytesView))
        let reply = wire.path.hasPrefix("/_sim/") ? await admin.handle(wire) : await aws.handle(wire)
        if reply.latency > .zero { try await Task.sleep(for: reply.latency) }
        if reply.fault == .reset {
            context.closeConnection()
            return Response(status: .ok)
        }
        var fields = HTTPFields()
        for header in reply.headers {
            if let name = HTTPField.Name(header.name) { fields[name] = header.value }
        }
        var body = reply.body
        if reply.fault == .truncate {
            body = body.prefix(body.count / 2)
            fields[.connection] = "close"
        }
        return Response(status: HTTPResponse.Status(code: reply.status), headers: fields,
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}
