import AWSKit
import AWSSimulator
import Foundation
import SnapferryCore
import Testing

@Suite("Scenario loading, validation and scale")
struct SimScenarioTests {
    static let example = """
    {
      "start": "2026-12-01T00:00:00Z",
      "regions": ["eu-west-1"],
      "accounts": [
        {"id": "111111111111",
         "access_keys": [{"id": "AKIAPROD000000000001", "secret": "prod-secret"}],
         "quotas": {"manual_cluster_snapshots": 100, "db_clusters": 40, "db_instances": 40}},
        {"id": "222222222222"}
      ],
      "kms_keys": [
        {"arn": "arn:aws:kms:eu-west-1:111111111111:key/0f9a8b7c-1111-2222-3333-444455556666",
         "aliases": ["alias/snapferry"],
         "policy": { "Version": "2012-10-17", "Statement": [ ] }}
      ],
      "roles": [
        {"arn": "arn:aws:iam::222222222222:role/snapferry-restore",
         "trust_policy": { "Version": "2012-10-17", "Statement": [ ] },
         "max_session_seconds": 3600}
      ],
      "db_subnet_groups": [{"account": "222222222222", "region": "eu-west-1", "name": "dev-db"}],
      "security_groups":  [{"account": "222222222222", "region": "eu-west-1", "id": "sg-0123456789abcdef0"}],
      "clusters": [
        {"account": "111111111111", "region": "eu-west-1", "id": "orders-prod",
         "engine": "aurora-postgresql", "engine_version": "16.4",
         "kms_key": "alias/aws/rds", "size_gb": 200, "instances": 2,
         "backup_retention_days": 7, "backup_window": "03:00-03:30",
         "tags": {"team": "orders"}},
        {"account": "111111111111", "region": "eu-west-1", "id": "plain", "kms_key": null}
      ],
      "cluster_snapshots": [
        {"account": "111111111111", "region": "eu-west-1", "id": "legacy-manual-1",
         "cluster": "orders-prod", "created": "2026-11-20T02:00:00Z", "tags": {}}
      ],
      "durations": {
        "snapshot_seconds_per_gb": 3, "copy_seconds_per_gb": 6,
        "restore_seconds": [900, 2700], "instance_seconds": [480, 900],
        "rename_seconds": 120, "delete_seconds": 300, "jitter_seed": 7
      },
      "throttle": {"burst": 300, "rate_per_second": 12}
    }
    """

    @Test func specExample_loadsFromJSON_withDefaultsAndAnUnencryptedCluster() async throws {
        let scenario = try SimScenario.load(json: Data(Self.example.utf8))
        #expect(scenario.throttle == SimScenario.Throttle(burst: 300, ratePerSecond: 12))
        #expect(scenario.clusters[1].kmsKey == nil)
        #expect(scenario.clusters[0].kmsKey == "alias/aws/rds")
        let (world, _) = try SimFixture.world(scenario)
        let rds = SimFixture.rds(world, SimFixture.prod)
        let clusters = try await rds.describeDBClusters(.init()).items
        #expect(clusters.map(\.storageEncrypted) == [true, false])
        let manual = try await rds.describeDBClusterSnapshots(.init(snapshotType: "manual")).items
        #expect(manual.map(\.identifier) == ["legacy-manual-1"])
        #expect(manual.first?.status == "available")
    }

    @Test func yamlWithTheSameShape_loads_andNullThrottleDisablesIt() throws {
        let yaml = """
        start: "2026-12-01T00:00:00Z"
        accounts:
          - id: "111111111111"
            access_keys: [{id: AKIA1, secret: s}]
        kms_keys:
          - arn: arn:aws:kms:eu-west-1:111111111111:key/abc
            policy:
              Statement:
                Effect: Allow
                Principal: {AWS: "111111111111"}
                Action: "kms:*"
        clusters:
          - {account: "111111111111", region: eu-west-1, id: a, kms_key: arn:aws:kms:eu-west-1:111111111111:key/abc}
        throttle: null
        """
        let scenario = try SimScenario.load(yaml: yaml)
        #expect(scenario.throttle == nil)
        #expect(scenario.regions == ["eu-west-1"])
        let disabled = try SimScenario.load(json: Data(#"{"start":"2026-12-01T00:00:00Z","accounts":[],"throttle":{"disabled":true}}"#.utf8))
        #expect(disabled.throttle == nil)
    }

    @Test(arguments: [
        (#"{"start":"2026-12-01T00:00:00Z","accounts":[{"id":"111111111111"}],"clusters":[{"account":"111111111111","region":"eu-west-1","id":"a"},{"account":"999999999999","region":"eu-west-1","id":"b"}]}"#,
         "clusters[1].account: unknown account 999999999999; known: 111111111111"),
        (#"{"start":"2026-12-01T00:00:00Z","accounts":[{"id":"111111111111"}],"roles":[{"arn":"arn:aws:iam::111111111111:user/x","trust_policy":{}}]}"#,
         "roles[0].arn: not an IAM role ARN (arn:aws:iam::<account>:role/<name>): arn:aws:iam::111111111111:user/x"),
        (#"{"start":"2026-12-01T00:00:00Z","accounts":[{"id":"111111111111"}],"clusters":[{"account":"111111111111","id":"a"}]}"#,
         "clusters[0].region: missing field"),
        (#"{"start":"yesterday","accounts":[]}"#, "start: not an ISO 8601 date-time: yesterday"),
        (#"{"start":"2026-12-01T00:00:00Z","accounts":[{"id":"111111111111"}],"clusters":[{"account":"111111111111","region":"eu-west-1","id":"a","size_gb":"big"}]}"#,
         "clusters[0].size_gb: expected a number"),
    ])
    func invalidScenario_namesTheJSONPath(json: String, expected: String) {
        #expect(throws: SimScenarioError.self) { _ = try SimScenario.load(json: Data(json.utf8)) }
        do { _ = try SimScenario.load(json: Data(json.utf8)) } catch { #expect(error.description == expected) }
    }

    @Test func everyProblemIsReportedAtOnce_eachWithItsJSONPath() {
        let json = #"""
            {"accounts": [{"access_keys": [{"id": "AKIA1"}]}, {"id": "12345"}],
             "clusters": [{"account": "111111111111", "id": "a"}, {"region": "eu-west-1"}],
             "cluster_snapshots": [{"account": "111111111111"}]}
            """#
        do {
            _ = try SimScenario.load(json: Data(json.utf8))
            Issue.record("an invalid scenario loaded")
        } catch {
            #expect(error.all.map(\.description) == [
                "start: missing field",
                "accounts[0].id: missing field",
                "accounts[0].access_keys[0].secret: missing field",
                "clusters[0].region: missing field",
                "clusters[1].account: missing field",
                "clusters[1].id: missing field",
                "cluster_snapshots[0].region: missing field",
                "cluster_snapshots[0].id: missing field",
                "cluster_snapshots[0].cluster: missing field",
                "cluster_snapshots[0].created: missing field",
            ])
        }
        let references = #"{"start":"2026-12-01T00:00:00Z","regions":["eu-west-1"],"accounts":[{"id":"111111111111"},{"id":"12345"}],"clusters":[{"account":"999999999999","region":"eu-west-1","id":"a"},{"account":"111111111111","region":"us-east-1","id":"b","size_gb":0}]}"#
        do {
            _ = try SimScenario.load(json: Data(references.utf8))
            Issue.record("an invalid scenario loaded")
        } catch {
            #expect(error.all.map(\.path) == ["accounts[1].id", "clusters[0].account", "clusters[1].region", "clusters[1].size_gb"])
        }
    }

    @Test func parameterGroupLists_loadFromJSON_andEveryProblemIsListedWithItsPath() throws {
        let good = #"{"start":"2026-12-01T00:00:00Z","accounts":[{"id":"111111111111"}],"db_cluster_parameter_groups":[{"account":"111111111111","region":"eu-west-1","name":"orders-pg16"}],"db_parameter_groups":[{"account":"111111111111","region":"eu-west-1","name":"orders-instance"}]}"#
        let scenario = try SimScenario.load(json: Data(good.utf8))
        #expect(scenario.dbClusterParameterGroups == [.init(account: "111111111111", region: "eu-west-1", name: "orders-pg16")])
        #expect(scenario.dbParameterGroups == [.init(account: "111111111111", region: "eu-west-1", name: "orders-instance")])
        let bad = #"{"start":"2026-12-01T00:00:00Z","accounts":[{"id":"111111111111"}],"db_cluster_parameter_groups":[{"account":"999999999999","region":"eu-west-1","name":"a"},{"account":"111111111111","region":"us-east-1","name":"default.aurora-postgresql16"}],"db_parameter_groups":[{"account":"111111111111","region":"eu-west-1"}]}"#
        do {
            _ = try SimScenario.load(json: Data(bad.utf8))
            Issue.record("an invalid scenario loaded")
        } catch {
            #expect(error.all.map(\.description) == ["db_parameter_groups[0].name: missing field"])
        }
        let references = bad.replacingOccurrences(of: #"{"account":"111111111111","region":"eu-west-1"}"#,
                                                  with: #"{"account":"111111111111","region":"eu-west-1","name":""}"#)
        do {
            _ = try SimScenario.load(json: Data(references.utf8))
            Issue.record("an invalid scenario loaded")
        } catch {
            #expect(error.all.map(\.path) == ["db_cluster_parameter_groups[0].account", "db_cluster_parameter_groups[1].region",
                                               "db_cluster_parameter_groups[1].name", "db_parameter_groups[0].name"])
        }
    }

    @Test func thousandClustersInHundredAccounts_simulatedDayRuns() async throws {
        let accounts = (0..<100).map { SimScenario.Account(id: String(format: "5000000000%02d", $0)) }
        let clusters = accounts.flatMap { account in
            (0..<10).map { SimScenario.Cluster(account: account.id, region: "eu-west-1", id: "c\($0)", sizeGb: 50, instances: 1,
                                               backupRetentionDays: 3,
                                               backupWindow: String(format: "%02d:00-%02d:30", $0 * 2, $0 * 2)) }
        }
        let scenario = SimScenario(regions: ["eu-west-1"], accounts: accounts, clusters: clusters, throttle: nil)
        let wallStart = ContinuousClock.now
        let (world, clock) = try SimFixture.world(scenario)
        var described = 0
        for _ in 0..<24 {  // one simulated day in hourly steps
            clock.advance(by: .seconds(3600))
            for account in accounts {
                let rds = SimFixture.rds(world, account.id)
                let all = try await rds.allDBClusterSnapshots(.init()).collect()
                described += all.count
            }
        }
        let elapsed = ContinuousClock.now - wallStart
        let rds = SimFixture.rds(world, accounts[0].id)
        let automated = try await rds.describeDBClusterSnapshots(.init(clusterIdentifier: "c0", snapshotType: "automated")).items
        #expect(automated.count == 3)
        let c1 = try await rds.describeDBClusterSnapshots(.init(clusterIdentifier: "c1", snapshotType: "automated")).items
        #expect(c1.map(\.identifier) == ["rds:c1-2026-11-29-02-00", "rds:c1-2026-11-30-02-00", "rds:c1-2026-12-01-02-00"])
        #expect(c1.allSatisfy { $0.status == "available" })
        #expect(described > 24 * 100 * 10 * 2)
        print("h-sim scale: 1000 clusters × 100 accounts, 24 hourly steps × 100 describes: \(elapsed) wall")
    }
}
