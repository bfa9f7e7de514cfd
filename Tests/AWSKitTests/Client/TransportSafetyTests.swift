import AWSKit
import AWSSigV4
import Foundation
import SnapferryCore
import Testing

/// The live transport as production builds it (`AsyncHTTPClientTransport(connectTimeout:)`), against a
/// real in-process HTTP server.
@Suite struct TransportSafetyTests {
    func client(_ server: ScriptedHTTPServer, _ transport: AsyncHTTPClientTransport, timeout: Duration = .seconds(30)) -> AWSClient {
        AWSClient(account: "111111111111", region: "eu-west-1",
                  credentials: StaticCredentialProvider(AWSCredential(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "s", sessionToken: "token-value")),
                  transport: transport,
                  endpoints: EndpointResolver(environment: ["AWS_ENDPOINT_URL": "http://127.0.0.1:\(server.port)"]),
                  retry: .standard(maxAttempts: 1), timeout: timeout)
    }

    @Test func aRedirect_isNeverFollowed() async throws {
        let target = ScriptedHTTPServer([RetryOverHTTPTests.ok])
        try await target.start()
        let server = ScriptedHTTPServer([.respond(307, [("Location", "http://127.0.0.1:\(target.port)/elsewhere")], "")])
        try await server.start()
        let transport = AsyncHTTPClientTransport(connectTimeout: .seconds(5))
        let sts = STSClient(client: client(server, transport))
        await #expect(throws: AWSError.self) { _ = try await sts.getCallerIdentity() }
        try await transport.shutdown()
        #expect(server.requestCount == 1)
        #expect(target.requestCount == 0, "the redirect was followed (and would have carried the session token)")
        await server.stop(); await target.stop()
    }

    @Test func theDeadlineCoversTheBody_aStalledBodyTimesOut() async throws {
        let server = ScriptedHTTPServer([.stallBody(length: 500, partial: "<GetCallerIdentityResponse>")])
        try await server.start()
        let transport = AsyncHTTPClientTransport(connectTimeout: .seconds(5))
        let sts = STSClient(client: client(server, transport, timeout: .milliseconds(800)))
        var kind: AWSError.Kind?
        do { _ = try await sts.getCallerIdentity() } catch let error as AWSError { kind = error.kind }
        try await transport.shutdown()
        await server.stop()
        #expect(kind == .timeout)
    }
}
