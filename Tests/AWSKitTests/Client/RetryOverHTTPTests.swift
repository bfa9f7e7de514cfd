import AWSKit
import AWSSigV4
import Foundation
import SnapferryCore
import Synchronization
import Testing

/// The live client's retry and rate limiting against a real in-process HTTP server,
/// on a manual clock: nothing sleeps in wall time.
/// Set once when a task ends; read by the polling loop.
final class DoneFlag: Sendable {
    private let flag = Mutex(false)
    func set() { flag.withLock { $0 = true } }
    var isSet: Bool { flag.withLock { $0 } }
}

@Suite struct RetryOverHTTPTests {
    static let ok = ScriptedReply.respond(200, [("Content-Type", "text/xml")], """
        <GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>\
        <Arn>arn:aws:iam::111111111111:user/x</Arn><UserId>AID</UserId><Account>111111111111</Account>\
        </GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>
        """)

    static func queryError(_ status: Int, _ code: String, headers: [(String, String)] = []) -> ScriptedReply {
        .respond(status, [("Content-Type", "text/xml"), ("x-amzn-RequestId", "req-\(code)")] + headers, """
            <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>\
            <Code>\(code)</Code><Message>Rate exceeded</Message></Error><RequestId>req-\(code)</RequestId></ErrorResponse>
            """)
    }

    struct Harness {
        let server: ScriptedHTTPServer
        let clock: ManualClock
        let transport: AsyncHTTPClientTransport
        let client: AWSClient

        init(_ script: [ScriptedReply], maxAttempts: Int = 5, rate: RateLimit? = nil) async throws {
            server = ScriptedHTTPServer(script)
            try await server.start()
            let manual = ManualClock()
            clock = manual
            transport = AsyncHTTPClientTransport()
            let registry = rate.map { RateLimiterRegistry(defaultLimit: $0, clock: manual) }
            client = AWSClient(account: "111111111111", region: "eu-west-1",
                               credentials: StaticCredentialProvider(AWSCredential(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "s")),
                               transport: transport,
                               endpoints: EndpointResolver(environment: ["AWS_ENDPOINT_URL": "http://127.0.0.1:\(server.port)"]),
                               retry: .standard(maxAttempts: maxAttempts), rateLimiters: registry, clock: AnyClock(manual))
        }

        /// Runs `body`, advancing the manual clock whenever the client sleeps, until it finishes.
        func drive<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> (T, sleeps: Int) {
            let done = DoneFlag()
            let task = Task {
                defer { done.set() }
                return try await body()
            }
            var sleeps = 0
            // Bounded polling: wake every retry sleep on the manual clock until the call ends
            // (the waits in between are for real HTTP round trips, not for time to pass).
            for _ in 0..<5_000 where !done.isSet {
                if clock.sleepers() > 0 {
                    clock.advance(by: .seconds(21))
                    sleeps += 1
                } else {
                    try await Task.sleep(for: .milliseconds(2))
                }
            }
            return (try await task.value, sleeps)
        }

        func stop() async {
            try? await transport.shutdown()
            await server.stop()
        }
    }

    @Test(arguments: ["Throttling", "ThrottlingException", "RequestLimitExceeded"])
    func throttlingCodes_areRetried_untilSuccess(code: String) async throws {
        let h = try await Harness([Self.queryError(400, code), Self.queryError(400, code), Self.ok])
        let (identity, sleeps) = try await h.drive { try await STSClient(client: h.client).getCallerIdentity() }
        #expect(identity.account == "111111111111")
        #expect(h.server.requestCount == 3)
        #expect(sleeps == 2)
        await h.stop()
    }

    @Test func serverErrors500and503_andAConnectionReset_areRetried() async throws {
        let h = try await Harness([Self.queryError(500, "InternalFailure"), .respond(503, [], "<html>busy</html>"), .reset, Self.ok])
        let (identity, _) = try await h.drive { try await STSClient(client: h.client).getCallerIdentity() }
        #expect(identity.arn == "arn:aws:iam::111111111111:user/x")
        #expect(h.server.requestCount == 4)
        await h.stop()
    }

    @Test func terminalError_isNotRetried_andKeepsRequestId() async throws {
        let h = try await Harness([Self.queryError(403, "AccessDenied"), Self.ok])
        do {
            _ = try await h.drive { try await STSClient(client: h.client).getCallerIdentity() }
            Issue.record("expected AccessDenied")
        } catch let error as AWSError {
            #expect(error.code == "AccessDenied")
            #expect(error.requestId == "req-AccessDenied")
            #expect(error.httpStatus == 403)
        }
        #expect(h.server.requestCount == 1)
        await h.stop()
    }

    @Test func maxAttempts_stopsRetrying_andThrowsTheLastError() async throws {
        let h = try await Harness([Self.queryError(400, "Throttling")], maxAttempts: 3)
        do {
            _ = try await h.drive { try await STSClient(client: h.client).getCallerIdentity() }
            Issue.record("expected Throttling")
        } catch let error as AWSError {
            #expect(error.code == "Throttling")
            #expect(error.retryClass == .throttling)
        }
        #expect(h.server.requestCount == 3)
        await h.stop()
    }

    @Test func truncatedSuccessBody_isATypedError_andRetried() async throws {
        let truncated = ScriptedReply.respond(200, [("Content-Type", "text/xml")], "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn")
        let h = try await Harness([truncated, Self.ok])
        let (identity, _) = try await h.drive { try await STSClient(client: h.client).getCallerIdentity() }
        #expect(identity.account == "111111111111")
        #expect(h.server.requestCount == 2)
        await h.stop()
    }

    @Test func malformedBodyEveryTime_surfacesAsMalformedResponse() async throws {
        let h = try await Harness([.respond(200, [], "not xml at all <<<")], maxAttempts: 2)
        do {
            _ = try await h.drive { try await STSClient(client: h.client).getCallerIdentity() }
            Issue.record("expected malformedResponse")
        } catch let error as AWSError {
            #expect(error.kind == .malformedResponse)
            #expect(error.operation == "GetCallerIdentity")
        }
        await h.stop()
    }

    @Test func rateLimiter_holdsRequestsBeyondTheBurst_untilTheClockAdvances() async throws {
        let h = try await Harness([Self.ok], rate: try RateLimit(requestsPerSecond: 1, burst: 2))
        let sts = STSClient(client: h.client)
        _ = try await sts.getCallerIdentity()
        _ = try await sts.getCallerIdentity()
        #expect(h.server.requestCount == 2)
        let third = Task { try await sts.getCallerIdentity() }
        #expect(await h.clock.waitForSleepers(count: 1))
        #expect(h.server.requestCount == 2)   // held by the bucket, not sent
        h.clock.advance(by: .seconds(1))
        _ = try await third.value
        #expect(h.server.requestCount == 3)
        await h.stop()
    }
}
