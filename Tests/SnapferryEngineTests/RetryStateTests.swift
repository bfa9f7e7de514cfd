import AWSKit
import Foundation
import SnapferryConfig
import SnapferryCore
import SnapferryEngine
import SnapferryTestSupport
import Testing

/// Retry state lives per account × region × service for the process, not per client: through the
/// live clients (`LiveFleetAWS`, as the engines make them, a new client per call) against `snapferry-sim`.
@Suite(.timeLimit(.minutes(3))) struct RetryStateTests {
    func setUp(mode: String) async throws -> (SimFleetFixture, SimProcess, LiveFleetAWS, ManualClock, Account, AsyncHTTPClientTransport) {
        let fx = try SimFleetFixture(label: "retry-\(mode)", fleet: "rs", clusters: ["orders-prod"], shareAccounts: [:], sources: [])
        let sim = try await SimProcess.start(scenarioPath: fx.scenarioPath, timeScale: 0)
        let yaml = """
            version: 1
            fleet: rs
            endpoints: { url: "\(sim.endpoint)" }
            defaults: { region: eu-west-1, retry: { mode: \(mode), max_attempts: 3 } }
            accounts:
              prod: { id: "\(SimFleetFixture.prodAccount)" }
            sources: []
            """
        let config = try FleetLoader.load(yaml: yaml, file: "fleet.yaml").get()
        let clock = ManualClock(start: Date(timeIntervalSince1970: 1_796_000_000))
        let transport = AsyncHTTPClientTransport(connectTimeout: .seconds(5))
        let aws = try LiveFleetAWS(config: config, environment: fx.environment, transport: transport, clock: AnyClock(clock))
        return (fx, sim, aws, clock, try #require(config.account(named: "prod")), transport)
    }

    /// Runs `body` while moving `clock` to each sleeper's deadline, so backoff and rate waits take no wall time.
    func inVirtualTime<T: Sendable>(_ clock: ManualClock, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let driver = Task {
            while !Task.isCancelled {
                if clock.sleepers() > 0, let deadline = clock.nextDeadline() { clock.advance(to: deadline) }
                try? await Task.sleep(for: .milliseconds(1))
            }
        }
        defer { driver.cancel() }
        return try await body()
    }

    @Test func adaptiveMode_learnsALowerRateFromThrottles_andKeepsItAcrossClients() async throws {
        let (fx, sim, aws, clock, prod, transport) = try await setUp(mode: "adaptive")
        defer { fx.remove(); sim.stop() }
        let key = RateLimitKey(account: prod.id, region: "eu-west-1", service: "rds")
        @Sendable func describe() async { _ = try? await aws.rds(prod, region: "eu-west-1").describeDBClusterSnapshots(.init(clusterIdentifier: "orders-prod")) }
        // Unthrottled: no client-side limit.
        let before: Double? = try await inVirtualTime(clock) {
            for _ in 0..<5 { await describe() }
            return await aws.retryStates.state(for: key).adaptive?.sendRateLimit
        }
        #expect(before == nil, "adaptive mode limits before any throttle: \(String(describing: before))")
        try await sim.setFaults(#"{"rules": [{"service": "rds", "operation": "DescribeDBClusterSnapshots", "error_rate": 1, "code": "ThrottlingException", "status": 400}]}"#)
        let throttled: Double? = try await inVirtualTime(clock) {
            await describe()
            return await aws.retryStates.state(for: key).adaptive?.sendRateLimit
        }
        #expect(throttled != nil, "throttles did not engage the client-side rate")
        // Throttling over: a new client (the next engine pass) still sends at the learned rate.
        try await sim.setFaults(#"{"rules": []}"#)
        let after: Double? = try await inVirtualTime(clock) {
            await describe()
            return await aws.retryStates.state(for: key).adaptive?.sendRateLimit
        }
        try? await transport.shutdown()
        #expect(after != nil, "the learned rate was lost with the client")
        if let throttled, let after { #expect(after < 8, "the rate \(after) is not below the 8/s budget (throttled at \(throttled))") }
    }

    @Test func standardMode_anOutageEmptiesTheRetryQuota_andLaterCallsFailFastSayingSo() async throws {
        let (fx, sim, aws, clock, prod, transport) = try await setUp(mode: "standard")
        defer { fx.remove(); sim.stop() }
        try await sim.setFaults(#"{"rules": [{"service": "rds", "operation": "DescribeDBClusters", "error_rate": 1, "code": "InternalFailure", "status": 500}]}"#)
        let (calls, message) = try await inVirtualTime(clock) { () -> (Int, String?) in
            for n in 1...200 {
                do {
                    _ = try await aws.rds(prod, region: "eu-west-1").describeDBClusters(.init(clusterIdentifier: "orders-prod"))
                } catch let error as AWSError where error.message.contains("retry quota") {
                    return (n, error.description)
                } catch {}
            }
            return (200, nil)
        }
        // 500 tokens at 5 a retry: 100 retries, two per call at max_attempts 3.
        #expect(message != nil && calls <= 52, "the quota never emptied (\(calls) calls): \(message ?? "")")
        let before = try await sim.calls().count
        let failed = try await inVirtualTime(clock) { () -> String? in
            do { _ = try await aws.rds(prod, region: "eu-west-1").describeDBClusters(.init(clusterIdentifier: "orders-prod")); return nil }
            catch { return "\(error)" }
        }
        #expect(try await sim.calls().count - before == 1, "a call with an empty quota is sent once, not retried")
        #expect(failed?.contains("retry quota is used up") == true, "\(failed ?? "")")
        try? await transport.shutdown()
    }
}
