import AWSKit
import AWSSigV4
import AWSSimulator
import Foundation
import SimServer

/// A prod account (111…) with a customer-managed key and an encrypted 200 GB
/// cluster, and a dev account (222…); served in-process on a free port.
enum SimServerFixture {
    static let prod = "111111111111"
    static let dev = "222222222222"
    static let region = "eu-west-1"
    static let cmk = "arn:aws:kms:eu-west-1:111111111111:key/0f9a8b7c-1111-2222-3333-444455556666"
    static let prodKey = AWSCredential(accessKeyId: "AKIAPROD000000000001", secretAccessKey: "prod-secret")

    static func scenario(throttle: SimScenario.Throttle? = nil) -> SimScenario {
        SimScenario(
            start: "2026-12-01T00:00:00Z", regions: [region],
            accounts: [
                .init(id: prod, accessKeys: [.init(id: prodKey.accessKeyId, secret: prodKey.secretAccessKey)]),
                .init(id: dev, accessKeys: [.init(id: "AKIADEV0000000000001", secret: "dev-secret")]),
            ],
            kmsKeys: [.init(arn: cmk, aliases: ["alias/snapferry"], description: "fleet <key> & co")],
            clusters: [.init(account: prod, region: region, id: "orders-prod", kmsKey: "alias/snapferry", sizeGb: 200,
                             instances: 2, tags: ["team": "orders"])],
            throttle: throttle)
    }

    /// Runs `body` against a fresh in-process simulator.
    static func withServer<T: Sendable>(_ scenario: SimScenario = scenario(),
                                        _ body: @Sendable (SimServerHarness) async throws -> T) async throws -> T {
        let server = try SimServer(options: SimServerOptions(host: "127.0.0.1", port: 0), scenario: scenario)
        return try await server.withRunning { port in
            let harness = SimServerHarness(port: port, transport: AsyncHTTPClientTransport())
            do {
                let result = try await body(harness)
                try await harness.transport.shutdown()
                return result
            } catch {
                try? await harness.transport.shutdown()
                throw error
            }
        }
    }

    /// The AWSError code thrown by `body`, or nil when it succeeds.
    static func error(_ body: () async throws -> Void) async -> AWSError? {
        do { try await body(); return nil } catch let error as AWSError { return error } catch {
            return AWSError(kind: .transport, service: "", operation: "", code: "not an AWSError", message: "\(error)")
        }
    }
}

/// A running simulator: live AWSKit clients and admin calls against it.
struct SimServerHarness: Sendable {
    let port: Int
    let transport: AsyncHTTPClientTransport

    var url: URL { URL(string: "http://127.0.0.1:\(port)")! }

    /// A live client signing with `credential`; one attempt, so a fault is seen as it was sent.
    func client(_ credential: AWSCredential = SimServerFixture.prodKey) -> AWSClient {
        AWSClient(account: nil, region: SimServerFixture.region, credentials: StaticCredentialProvider(credential),
                  transport: transport, endpoints: EndpointResolver(environment: ["AWS_ENDPOINT_URL": url.absoluteString]),
                  retry: .standard(maxAttempts: 1))
    }

    /// Calls an admin endpoint and returns the status and decoded JSON object.
    func admin(_ method: String, _ path: String, json: String? = nil) async throws -> (Int, [String: Any]) {
        let request = AWSKit.HTTPRequest(method: method, url: URL(string: url.absoluteString + path)!,
                                         headers: [(name: "Content-Type", value: "application/json")],
                                         body: Data((json ?? "").utf8))
        let response = try await transport.execute(request, timeout: .seconds(10), logger: .init(label: "test"))
        let object = (try? JSONSerialization.jsonObject(with: response.body) as? [String: Any]) ?? [:]
        return (response.status, object)
    }
}
