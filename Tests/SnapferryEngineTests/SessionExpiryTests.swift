import AWSKit
import Foundation
import SnapferryConfig
import SnapferryCore
import SnapferryEngine
import SnapferryTestSupport
import Testing

/// A target account's session ends while the client still believes it valid (the host's clock behind
/// AWS's; here the simulator's clock jumps two hours while the wall clock does not): the next call is
/// answered `ExpiredToken`, the client assumes the role again and the call goes through. Found by CI,
/// where a night's refresh outlived its session on a loaded machine and waited until it was killed.
@Suite(.timeLimit(.minutes(2))) struct SessionExpiryTests {
    static let prod = "111111111111", dev = "222222222222"
    static let scenario = """
        {"start": "2026-12-01T00:00:00Z", "regions": ["eu-west-1"],
         "accounts": [{"id": "\(prod)", "access_keys": [{"id": "AKIAPROD000000000001", "secret": "prod-secret", "user": "snapferry"}]},
                      {"id": "\(dev)"}],
         "roles": [{"arn": "arn:aws:iam::\(dev):role/snapferry", "trust_policy": {"Version": "2012-10-17", "Statement": [
             {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::\(prod):root"}, "Action": "sts:AssumeRole"}]}}],
         "clusters": [{"account": "\(dev)", "region": "eu-west-1", "id": "orders-dev", "instances": 1}]}
        """

    @Test func expiredBeforeItsExpiration_theRoleIsAssumedAgainAndTheCallGoesThrough() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("session-expiry-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let scenarioPath = dir.appendingPathComponent("scenario.json").path
        try Self.scenario.write(toFile: scenarioPath, atomically: true, encoding: .utf8)
        let sim = try await SimProcess.start(scenarioPath: scenarioPath, timeScale: 0)
        defer { sim.stop() }
        let yaml = """
            version: 1
            fleet: se
            endpoints: { url: "\(sim.endpoint)" }
            defaults: { region: eu-west-1, retry: { max_attempts: 3 } }
            accounts:
              prod: { id: "\(Self.prod)" }
              dev: { id: "\(Self.dev)", role_arn: "arn:aws:iam::\(Self.dev):role/snapferry" }
            sources: []
            """
        let config = try FleetLoader.load(yaml: yaml, file: "fleet.yaml").get()
        let environment = ["AWS_ACCESS_KEY_ID": "AKIAPROD000000000001", "AWS_SECRET_ACCESS_KEY": "prod-secret",
                           "AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent"]
        let transport = AsyncHTTPClientTransport(connectTimeout: .seconds(5))
        defer { Task { try? await transport.shutdown() } }
        let aws = try LiveFleetAWS(config: config, environment: environment, transport: transport)
        let dev = try #require(config.account(named: "dev"))

        let first = try await aws.rds(dev, region: "eu-west-1").describeDBClusters(.init(clusterIdentifier: "orders-dev")).items
        #expect(first.map(\.identifier) == ["orders-dev"])
        try await sim.advance(seconds: 7200)
        let second = try await aws.rds(dev, region: "eu-west-1").describeDBClusters(.init(clusterIdentifier: "orders-dev")).items
        #expect(second.map(\.identifier) == ["orders-dev"])

        // Read from the simulator's log, not from the client: one refused call, two sessions.
        let calls = try await sim.calls()
        #expect(calls.filter { $0.operation == "AssumeRole" && $0.code == nil }.count == 2, "\(calls.map { "\($0.operation) \($0.code ?? "ok")" })")
        #expect(calls.filter { $0.operation == "DescribeDBClusters" && $0.code == "ExpiredToken" }.count == 1)
        #expect(calls.filter { $0.operation == "DescribeDBClusters" && $0.code == nil }.count == 2)
    }
}
