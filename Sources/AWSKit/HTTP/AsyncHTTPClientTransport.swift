import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// The live transport: async-http-client with a shared connection pool,
/// connect and per-request timeouts. Bodies and headers are never logged.
public final class AsyncHTTPClientTransport: HTTPTransport {
    private let client: HTTPClient
    private let ownsClient: Bool

    /// Uses the process-wide shared pool (`HTTPClient.shared`: connections reused, never
    /// needs shutting down); each request carries its own deadline.
    public init() {
        self.client = HTTPClient.shared
        self.ownsClient = false
    }

    /// Creates a transport with its own pool and connect timeout; call `shutdown()` before releasing it.
    /// A refused or timed-out connection fails the attempt at once (the AWS retry loop, which says
    /// so, retries it), and redirects are never followed: botocore does not, a redirected POST
    /// becomes a GET, and a cross-origin hop would carry the session token.
    public init(connectTimeout: Duration) {
        var config = HTTPClient.Configuration()
        config.timeout = .init(connect: .milliseconds(Int64(connectTimeout.components.seconds * 1000)), read: nil)
        config.connectionPool = .init(idleTimeout: .seconds(60))
        config.connectionPool.retryConnectionEstablishment = false
        config.redirectConfiguration = .disallow
        config.decompression = .disabled
        self.client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
        self.ownsClient = true
    }

    /// Shuts the pool down; call once before exit.
    public func shutdown() async throws {
        if ownsClient { try await client.shutdown() }
    }

    /// Sends the request; connection failures and timeouts become `AWSError` `.transport` / `.timeout`.
    public func execute(_ request: HTTPRequest, timeout: Duration, logger: Logger) async throws -> HTTPResponse {
        var outgoing = HTTPClientRequest(url: request.url.absoluteString)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for (name, value) in request.headers where name.lowercased() != "host" {
            outgoing.headers.add(name: name, value: value)
        }
        // The signed Host header (with port) must be the one sent.
        if let host = request.headers.first(where: { $0.name.lowercased() == "host" }) {
            outgoing.headers.replaceOrAdd(name: "Host", value: host.value)
        }
        outgoing.body = .bytes(ByteBuffer(bytes: request.body))
        let deadline = TimeAmount.milliseconds(Int64(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000))
        do {
            // The deadline covers the whole exchange, body included (AHC's covers the head only).
            let client = self.client, prepared = outgoing
            return try await withThrowingTaskGroup(of: HTTPResponse?.self) { group in
                group.addTask {
                    let response = try await client.execute(prepared, timeout: deadline, logger: logger)
                    var body = try await response.body.collect(upTo: 64 * 1024 * 1024)
                    let bytes = body.readBytes(length: body.readableBytes) ?? []
                    return HTTPResponse(status: Int(response.status.code),
                                        headers: response.headers.map { (name: $0.name, value: $0.value) },
                                        body: Data(bytes))
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let response = first else { throw HTTPClientError.deadlineExceeded }
                return response
            }
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout
                    || error == .connectTimeout {
            throw AWSError(kind: .timeout, service: "", operation: "", code: "", message: "no answer within \(timeout) from \(Self.origin(request.url))")
        } catch is CancellationError {
            throw CancellationError()
        } catch let error as AWSError {
            throw error
        } catch {
            throw AWSError(kind: .transport, service: "", operation: "", code: "",
                           message: "\(Self.origin(request.url)): \(error)")
        }
    }

    /// `scheme://host:port` of the endpoint, for messages.
    static func origin(_ url: URL) -> String {
        "\(url.scheme ?? "https")://\(url.host ?? "?")" + (url.port.map { ":\($0)" } ?? "")
    }
}
