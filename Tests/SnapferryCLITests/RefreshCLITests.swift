import AWSKit
import AWSSigV4
import Foundation
import SnapferryTestSupport
import Testing

/// Refresh through the built `snapferry` binary against `snapferry-sim` over the wire: two nights
/// of two targets reached through assumed roles (`orders-dev` re-keys on restore; `orders-test`
/// copies into its account first, through a role that wants an external id), and a target whose
/// cluster has no snapferry tag, refused with exit 1 and left as it was. The target accounts are
/// read back with reader keys of their own, not through snapferry.
@Suite(.timeLimit(.minutes(10))) struct RefreshCLITests {
    static let prod = "111111111111", dev = "222222222222", test = "333333333333"
    static let cmk = "arn:aws:kms:eu-west-1:111111111111:key/0f9a8b7c-1111-2222-3333-444455556666"
    static func key(_ account: String) -> String { "arn:aws:kms:eu-west-1:\(account):key/0b000000-1111-2222-3333-\(account)" }

    static let scenario = """
        {"start": "2026-12-01T00:00:00Z", "regions": ["eu-west-1"],
         "accounts": [
           {"id": "\(prod)", "access_keys": [{"id": "AKIAPROD000000000001", "secret": "prod-secret", "user": "snapferry"}]},
           {"id": "\(dev)", "access_keys": [{"id": "AKIADEVREADER0000001", "secret": "dev-secret", "user": "reader"}]},
           {"id": "\(test)", "access_keys": [{"id": "AKIATESTREADER000001", "secret": "test-secret", "user": "reader"}]}],
         "kms_keys": [
           {"arn": "\(cmk)", "policy": {"Version": "2012-10-17", "Statement": [
             {"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::\(prod):root", "arn:aws:iam::\(dev):root", "arn:aws:iam::\(test):root"]},
              "Action": "kms:*", "Resource": "*"}]}},
           {"arn": "\(key(dev))"}, {"arn": "\(key(test))"}],
         "roles": [
           {"arn": "arn:aws:iam::\(dev):role/snapferry", "trust_policy": {"Version": "2012-10-17", "Statement": [
             {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::\(prod):root"}, "Action": "sts:AssumeRole"}]}},
           {"arn": "arn:aws:iam::\(test):role/snapferry", "trust_policy": {"Version": "2012-10-17", "Statement": [
             {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::\(prod):root"}, "Action": "sts:AssumeRole",
              "Condition": {"StringEquals": {"sts:ExternalId": "ferry-7"}}}]}}],
         "db_subnet_groups": [{"account": "\(dev)", "region": "eu-west-1", "name": "dev-db"},
                              {"account": "\(test)", "region": "eu-west-1", "name": "test-db"}],
         "security_groups": [{"account": "\(dev)", "region": "eu-west-1", "id": "sg-00000000000000de1"},
                             {"account": "\(test)", "region": "eu-west-1", "id": "sg-00000000000000ae1"}],
         "clusters": [
           {"account": "\(prod)", "region": "eu-west-1", "id": "orders-prod", "kms_key": "alias/aws/rds", "size_gb": 10,
            "instances": 1, "backup_window": "23:00-23:30"},
           {"account": "\(dev)", "region": "eu-west-1", "id": "orders-dev", "instances": 1,
            "tags": {"snapferry:managed": "true", "snapferry:fleet": "e2e", "snapferry:source": "orders",
                     "snapferry:slot": "2026-11-30T03:00:00Z", "snapferry:target": "orders-dev"}},
           {"account": "\(test)", "region": "eu-west-1", "id": "orders-qa", "instances": 1, "tags": {"team": "qa"}}],
         "durations": {"restore_seconds": [600, 900], "instance_seconds": [300, 600], "rename_seconds": 60, "delete_seconds": 120}}
        """

    static func fleet(endpoint: String, state: String, withQA: Bool = true) -> String {
        let qa = withQA ? """
              - { name: orders-qa, source: orders, account: test, schedule: "0 3 * * *", cluster: orders-qa,
                  instances: [{ class: db.r6g.large }], subnet_group: test-db, security_groups: [sg-00000000000000ae1],
                  kms_key: "\(key(test))" }
            """ : ""
        return """
        version: 1
        fleet: e2e
        state: \(state)
        endpoints: { url: "\(endpoint)" }
        defaults: { region: eu-west-1, poll: { initial: 0.2, max: 1 } }
        accounts:
          prod: { id: "\(prod)" }
          dev: { id: "\(dev)", role_arn: "arn:aws:iam::\(dev):role/snapferry" }
          test: { id: "\(test)", role_arn: "arn:aws:iam::\(test):role/snapferry", external_id: ferry-7 }
        sources:
          - { name: orders, account: prod, cluster: orders-prod, schedule: "0 2 * * *", kms_key: \(cmk),
              retention: { keep_last: 2 }, share_with: [dev, test] }
        targets:
          - { name: orders-dev, source: orders, account: dev, schedule: "0 3 * * *", cluster: orders-dev,
              instances: [{ class: db.r6g.large, count: 2 }], subnet_group: dev-db, security_groups: [sg-00000000000000de1],
              kms_key: "\(key(dev))" }
          - { name: orders-test, source: orders, account: test, schedule: "0 3 * * *", cluster: orders-test,
              instances: [{ class: db.r6g.large }], subnet_group: test-db, security_groups: [sg-00000000000000ae1],
              kms_key: "\(key(test))", copy_into_account: true, master_password: managed }
        \(qa)
        """
    }

    static func rds(_ endpoint: String, account: String, key: String, secret: String) -> (RDSClient, AsyncHTTPClientTransport) {
        let transport = AsyncHTTPClientTransport()
        let client = AWSClient(account: account, region: "eu-west-1",
                               credentials: StaticCredentialProvider(AWSCredential(accessKeyId: key, secretAccessKey: secret)),
                               transport: transport, endpoints: EndpointResolver(environment: ["AWS_ENDPOINT_URL": endpoint]))
        return (RDSClient(client: client), transport)
    }

    /// The daemon's own credentials in the scenario, and nothing else the chain could find.
    static let environment = ["AWS_ACCESS_KEY_ID": "AKIAPROD000000000001", "AWS_SECRET_ACCESS_KEY": "prod-secret",
                              "AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent"]

    /// A folder with the scenario, a simulator serving it, and the fleet file.
    static func start(_ label: String, timeScale: Double, withQA: Bool) async throws -> (URL, SimProcess, String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let scenarioPath = dir.appendingPathComponent("scenario.json").path
        try scenario.write(toFile: scenarioPath, atomically: true, encoding: .utf8)
        let sim = try await SimProcess.start(scenarioPath: scenarioPath, timeScale: timeScale)
        let fleetPath = dir.appendingPathComponent("fleet.yaml").path
        try fleet(endpoint: sim.endpoint, state: dir.appendingPathComponent("state.sqlite").path, withQA: withQA)
            .write(toFile: fleetPath, atomically: true, encoding: .utf8)
        return (dir, sim, fleetPath)
    }

    /// At time scale 3000 a one-hour session lasts 1.2 s of wall time, less than a night's run: the
    /// simulator ends sessions the binary still believes valid, and the run must assume the roles again.
    @Test func twoNights_twoTargetsThroughAssumedRoles_andAForeignClusterRefused() async throws {
        let (dir, sim, fleetPath) = try await Self.start("refresh-cli", timeScale: 3000, withQA: true)
        defer { sim.stop(); try? FileManager.default.removeItem(at: dir) }
        let env = Self.environment
        func snapferry(_ args: [String]) async throws -> CommandResult {
            try await CommandRunner.run(TestPaths.binary("snapferry"), args + ["--config", fleetPath], environment: env, timeout: .seconds(300))
        }
        let (devRDS, devTransport) = Self.rds(sim.endpoint, account: Self.dev, key: "AKIADEVREADER0000001", secret: "dev-secret")
        let (testRDS, testTransport) = Self.rds(sim.endpoint, account: Self.test, key: "AKIATESTREADER000001", secret: "test-secret")
        defer { Task { try? await devTransport.shutdown(); try? await testTransport.shutdown() } }
        let qaBefore = try await testRDS.describeDBClusters(.init(clusterIdentifier: "orders-qa")).items

        for day in 1...2 {
            let at = String(format: "2026-12-%02dT03:00:00Z", day)
            let r = try await snapferry(["apply", "--at", at, "--yes"])
            // The refused target makes the run exit 1; the other two must be refreshed.
            #expect(r.status == 1, "day \(day): \(r.stdout)\n\(r.stderr)")
            let carrier = String(format: "snapferry-orders-202612%02d-0200-s1", day)
            #expect(r.stdout.contains("target orders-dev (slot \(at)): ok, refreshed from \(carrier)"), "day \(day): \(r.stdout)\n\(r.stderr)")
            #expect(r.stdout.contains("target orders-test (slot \(at)): ok, refreshed from \(carrier)"), "day \(day): \(r.stdout)")
            #expect(r.stdout.contains("target orders-qa (slot \(at)): REFUSED"), "day \(day): \(r.stdout)")

            for (rds, account, name, instances) in [(devRDS, Self.dev, "orders-dev", ["orders-dev-1", "orders-dev-2"]),
                                                    (testRDS, Self.test, "orders-test", ["orders-test-1"])] {
                let cluster = try #require(try await rds.describeDBClusters(.init(clusterIdentifier: name)).items.first)
                #expect(cluster.status == "available")
                #expect(cluster.tags.dictionary["snapferry:slot"] == at, "day \(day) \(name)")
                #expect(cluster.kmsKeyId == Self.key(account))
                let all = try await rds.describeDBClusters(.init()).items.map(\.identifier).sorted()
                #expect(all == (account == Self.test ? ["orders-qa", "orders-test"] : ["orders-dev"]), "day \(day): \(all)")
                let live = try await rds.describeDBInstances(.init(filters: [RDSFilter("db-cluster-id", [name])])).items
                #expect(live.map(\.identifier).sorted() == instances, "day \(day) \(name)")
                #expect(try await rds.describeDBClusterSnapshots(.init(snapshotType: "manual")).items.isEmpty, "day \(day): copies left in \(account)")
                if name == "orders-test" { #expect(cluster.masterUserSecretArn != nil) }
            }
            #expect(try await testRDS.describeDBClusters(.init(clusterIdentifier: "orders-qa")).items == qaBefore)
            try await sim.advance(seconds: 86_400)
        }

        // Sessions ended mid-run (the simulator said so) and the runs went on with new ones.
        let calls = try await sim.calls()
        #expect(calls.contains { $0.code == "ExpiredToken" }, "no session ended mid-run; the test no longer covers expiry")
        #expect(calls.filter { $0.operation == "AssumeRole" && $0.code == nil }.count > 4)

        let one = try await snapferry(["apply", "--at", "2026-12-02T03:00:00Z", "--target", "orders-qa", "--yes"])
        #expect(one.status == 1)
        #expect(one.stdout.contains("set `adopt: true` on target orders-qa"), "\(one.stdout)")
        let status = try await snapferry(["status", "--at", "2026-12-02T03:30:00Z"])
        #expect(status.stdout.contains("target orders-dev"), "\(status.stdout)")
        #expect(status.stdout.contains("2026-12-02T03:00:00Z  ok  (from snapferry-orders-20261202-0200-s1"), "\(status.stdout)")
    }

    /// `apply` SIGKILLed 15 times over the steps of one night's refreshes (after its n-th mutating call,
    /// or after a delay that lands in a wait), restarted each time, then run to the end: exactly one
    /// cluster under each stable name, serving, with its instances; no orphan clusters, instances or
    /// copies; one restore per target.
    @Test func apply_killedAt15PointsOfARefresh_resumesToExactlyOneClusterAndNoOrphans() async throws {
        let (dir, sim, fleetPath) = try await Self.start("refresh-kill", timeScale: 100, withQA: false)
        defer { sim.stop(); try? FileManager.default.removeItem(at: dir) }
        let env = Self.environment
        enum Kill { case afterMutations(Int), afterDelay(Duration) }
        // A night makes about 22 mutating calls (rotation, then both refreshes) and spends most of its time
        // waiting for restores and instances (at time scale 100, some 15 s): kills after the first mutating
        // call of a run walk through the steps, kills after a delay land in the waits.
        let plan: [Kill] = [.afterMutations(1), .afterMutations(1), .afterDelay(.milliseconds(900)), .afterMutations(1),
                            .afterDelay(.milliseconds(900)), .afterMutations(1), .afterDelay(.milliseconds(900)), .afterMutations(1),
                            .afterDelay(.milliseconds(900)), .afterMutations(1), .afterDelay(.milliseconds(900)), .afterMutations(1),
                            .afterDelay(.milliseconds(900)), .afterMutations(1), .afterDelay(.milliseconds(900))]
        var fired = 0, runs = 0, nights = 0
        var queue = plan
        // Kill points left when a night is done move on to the next night.
        for night in 1...4 where !queue.isEmpty || night == 1 {
            nights = night
            if night > 1 { try await sim.advance(seconds: 86_400) }
            let at = String(format: "2026-12-%02dT03:00:00Z", night)
            while true {
                runs += 1
                try #require(runs < 60, "apply did not converge")
                let before = try await sim.calls().count
                let clock = ContinuousClock()
                let start = clock.now
                let child = try KillableProcess.start(TestPaths.binary("snapferry"), ["apply", "--config", fleetPath, "--at", at, "--yes"],
                                                      environment: env, directory: dir, label: "run\(runs)")
                var killed = false
                while child.isRunning {
                    try #require(clock.now - start < .seconds(240), "apply ran over 240 s: \(child.stdout)\n\(child.stderr)")
                    if let kill = queue.first {
                        let reached: Bool
                        switch kill {
                        case .afterDelay(let d): reached = clock.now - start >= d
                        case .afterMutations(let n): reached = try await sim.calls().dropFirst(before).count(where: \.isMutation) >= n
                        }
                        if reached {
                            try await child.kill()
                            killed = try await child.wait(timeout: .seconds(5)) == 128 + SIGKILL
                            break
                        }
                    }
                    try await Task.sleep(for: .milliseconds(5))
                }
                if killed { fired += 1; queue.removeFirst(); continue }
                let status = try await child.wait(timeout: .seconds(5))
                if status == 0 { break }
                Issue.record("run \(runs) exited \(status): \(child.stdout.suffix(1500))\n\(child.stderr.suffix(1500))")
            }
        }
        #expect(fired == 15, "kill points that fired: \(fired)")

        let (devRDS, devTransport) = Self.rds(sim.endpoint, account: Self.dev, key: "AKIADEVREADER0000001", secret: "dev-secret")
        let (testRDS, testTransport) = Self.rds(sim.endpoint, account: Self.test, key: "AKIATESTREADER000001", secret: "test-secret")
        defer { Task { try? await devTransport.shutdown(); try? await testTransport.shutdown() } }
        for (rds, expected, instances) in [(devRDS, ["orders-dev"], ["orders-dev-1", "orders-dev-2"]),
                                           (testRDS, ["orders-qa", "orders-test"], ["orders-qa-instance-1", "orders-test-1"])] {
            let clusters = try await rds.describeDBClusters(.init()).items
            #expect(clusters.map(\.identifier).sorted() == expected)
            #expect(clusters.allSatisfy { $0.status == "available" })
            #expect(try await rds.describeDBInstances(.init()).items.map(\.identifier).sorted() == instances)
            #expect(try await rds.describeDBClusterSnapshots(.init(snapshotType: "manual")).items.isEmpty)
        }
        let restores = try await sim.calls().filter { $0.operation == "RestoreDBClusterFromSnapshot" && $0.status == 200 }
        #expect(restores.count == 2 * nights, "restores accepted over \(nights) night(s): \(restores.count)")
    }
}
