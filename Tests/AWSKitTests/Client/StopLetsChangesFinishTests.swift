import AWSKit
import AWSSigV4
import Foundation
import Logging
import Testing

/// A stopped run (SIGTERM to the daemon, Ctrl-C to `apply`) cancels its task: a change already on its
/// way to AWS is let finish so that its answer can be journalled; a read is simply abandoned.
@Suite struct StopLetsChangesFinishTests {
    /// Answers every request after `delay` with a 400 `StubRecorded`, unless the caller cancelled it first.
    /// A read waits long enough (20 s) that the cancel reaches it first however loaded the machine is; a cancelled
    /// request ends at once, so the test does not wait that long.
    actor SlowTransport: HTTPTransport {
        let delay: Duration
        var started = 0, answered = 0, cancelled = 0
        init(delay: Duration = .milliseconds(300)) { self.delay = delay }
        func execute(_ request: HTTPRequest, timeout: Duration, logger: Logger) async throws -> HTTPResponse {
            started += 1
            do { try await Task.sleep(for: delay) } catch { cancelled += 1; throw error }
            answered += 1
            let body = "<ErrorResponse><Error><Type>Sender</Type><Code>StubRecorded</Code><Message>answered</Message></Error>"
                + "<RequestId>req-1</RequestId></ErrorResponse>"
            return HTTPResponse(status: 400, headers: [(name: "Content-Type", value: "text/xml")], body: Data(body.utf8))
        }
    }

    func rds(_ transport: SlowTransport) -> RDSClient {
        RDSClient(client: AWSClient(account: "111111111111", region: "eu-west-1",
                                    credentials: StaticCredentialProvider(AWSCredential(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "s")),
                                    transport: transport,
                                    endpoints: EndpointResolver(environment: ["AWS_ENDPOINT_URL": "http://127.0.0.1:9"]),
                                    retry: .standard(maxAttempts: 1)))
    }

    func cancelWhenSent<T: Sendable>(_ transport: SlowTransport, _ call: @escaping @Sendable () async throws -> T) async -> (any Error)? {
        let task = Task { try await call() }
        for _ in 0..<20_000 where await transport.started == 0 { try? await Task.sleep(for: .milliseconds(1)) }
        task.cancel()
        do { _ = try await task.value; return nil } catch { return error }
    }

    @Test func aSnapshotRequestInFlight_getsItsAnswer() async {
        let transport = SlowTransport()
        let rds = rds(transport)
        let error = await cancelWhenSent(transport) {
            try await rds.createDBClusterSnapshot(identifier: "snapferry-a-20261201-0100", clusterIdentifier: "a", tags: [])
        }
        #expect((error as? AWSError)?.code == "StubRecorded", "\(String(describing: error))")
        #expect(await transport.answered == 1)
        #expect(await transport.cancelled == 0)
    }

    @Test func aReadInFlight_isAbandoned() async {
        let transport = SlowTransport(delay: .seconds(20))
        let rds = rds(transport)
        let error = await cancelWhenSent(transport) { try await rds.describeDBClusters(.init()) }
        #expect((error as? AWSError)?.code != "StubRecorded")
        #expect(await transport.cancelled == 1)
    }
}
