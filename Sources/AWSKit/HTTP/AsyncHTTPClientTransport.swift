import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL

/// The live transport: async-http-client with a shared connection pool,
/// connect and per-request timeouts. Bodies and headers are never logged.
public final class AsyncHTTPClientTransport: HTTPTransport {
    private let client: HTTPClient
    /// One pool per proxy in use (async-http-client sets the proxy per client).
    private let proxied: [NetworkSettings.Proxy: HTTPClient]
    private let network: NetworkSettings
    private let ownsClient: Bool

    /// Uses the process-wide shared pool (`HTTPClient.shared`: connections reused, never
    /// needs shutting down); each request carries its own deadline. No proxy.
    public init() {
        self.client = HTTPClient.shared
        self.proxied = [:]
        self.network = .direct
        self.ownsClient = false
    }

    /// Creates a transport with its own pool and connect timeout; call `shutdown()` before releasing it.
    /// A refused or timed-out connection fails the attempt at once (the AWS retry loop, which says
    /// so, retries it), and redirects are never followed: botocore does not, a redirected POST
    /// becomes a GET, and a cross-origin hop would carry the session token.
    /// `network` adds proxies (by `CONNECT`) and a CA bundle; see ``NetworkSettings``.
    public init(connectTimeout: Duration, network: NetworkSettings = .direct) {
        var config = HTTPClient.Configuration()
        config.timeout = .init(connect: .milliseconds(Int64(connectTimeout.components.seconds * 1000)), read: nil)
        config.connectionPool = .init(idleTimeout: .seconds(60))
        config.connectionPool.retryConnectionEstablishment = false
        config.redirectConfiguration = .disallow
        config.decompression = .disabled
        if let bundle = network.caBundle {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .file(bundle)
            config.tlsConfiguration = tls
        }
        self.client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
        var proxied: [NetworkSettings.Proxy: HTTPClient] = [:]
        for proxy in [network.httpsProxy, network.httpProxy].compactMap({ $0 }) where proxied[proxy] == nil {
            var viaProxy = config
            let authorization = proxy.user.map { HTTPClient.Authorization.basic(username: $0, password: proxy.password ?? "") }
            viaProxy.proxy = .server(host: proxy.host, port: proxy.port, authorization: authorization)
            proxied[proxy] = HTTPClient(eventLoopGroupProvider: .singleton, configuration: viaProxy)
        }
        self.proxied = proxied
        self.network = network
        self.ownsClient = true
    }

    /// Shuts the pools down; call once before exit.
    public func shutdown() async throws {
        guard ownsClient else { return }
        try await client.shutdown()
        for pool in proxied.values { try await pool.shutdown() }
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
            let proxy = network.proxy(for: request.url)
            let client = proxy.flatMap { proxied[$0] } ?? self.client, prepared = outgoing
            // AsyncHTTPClient logs the first and last 32 bytes of every body part at trace level: an AssumeRole
            // answer cut into parts would put pieces of a session token or secret key in the log. Its debug
            // lines carry no bodies, so it never gets more than debug.
            let clientLogger = { var capped = logger; capped.logLevel = max(logger.logLevel, .debug); return capped }()
            return try await withThrowingTaskGroup(of: HTTPResponse?.self) { group in
                group.addTask {
                    let response = try await client.execute(prepared, timeout: deadline, logger: clientLogger)
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
        } catch let error as NIOSSLError {
            throw AWSError(kind: .transport, service: "", operation: "", code: "",
                           message: "\(Self.origin(request.url)): TLS failed (\(error))\(trustHint)")
        } catch let error as BoringSSLError {
            throw AWSError(kind: .transport, service: "", operation: "", code: "",
                           message: "\(Self.origin(request.url)): TLS failed (\(error))\(trustHint)")
        } catch {
            let via = network.proxy(for: request.url).map { " via proxy \($0.host):\($0.port) (\($0.variable))" } ?? ""
            throw AWSError(kind: .transport, service: "", operation: "", code: "",
                           message: "\(Self.origin(request.url))\(via): \(error)")
        }
    }

    /// What to do about a certificate this host does not trust.
    private var trustHint: String {
        network.caBundle.map { ": the certificate is not signed by an authority in \($0)" }
            ?? ": if a proxy or private endpoint uses its own certificate authority, set AWS_CA_BUNDLE to its PEM file"
    }

    /// `scheme://host:port` of the endpoint, for messages.
    static func origin(_ url: URL) -> String {
        "\(url.scheme ?? "https")://\(url.host ?? "?")" + (url.port.map { ":\($0)" } ?? "")
    }
}
