import Foundation
import SnapferryTestSupport
import Testing

/// `snapferry apply` through the built binary against the shared, signature-checking moto_server:
/// the same-account part of rotation (create, copy under a CMK, share, prune) over four days.
@Suite(.timeLimit(.minutes(3))) struct MotoApplyTests {
    @Test func fourDailyApplies_keepLast2_againstMoto_createsSharesAndPrunes_touchesNothingElse() async throws {
        let moto = try await MotoServer.shared.environment()
        let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        let fleetName = "moto-\(suffix)", source = "orders-\(suffix)", foreign = "foreign-\(suffix)"
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("snapferry-moto-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        // A customer-managed key to copy under (moto's default key cannot be told apart from a CMK),
        // and a manual snapshot snapferry did not make.
        let setup = try await CommandRunner.run(TestPaths.python, ["-c", """
            import boto3, json, sys
            kw = dict(endpoint_url=sys.argv[1], region_name="eu-west-1", aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3])
            key = boto3.client("kms", **kw).create_key(Description="snapferry MotoApplyTests")["KeyMetadata"]["Arn"]
            boto3.client("rds", **kw).create_db_cluster_snapshot(DBClusterSnapshotIdentifier=sys.argv[4], DBClusterIdentifier="orders-prod")
            print(json.dumps({"key": key}))
            """, moto.endpoint, moto.accessKeyId, moto.secretAccessKey, foreign], timeout: .seconds(60))
        try #require(setup.status == 0, "\(setup.stderr)")
        let key = try #require((try JSONSerialization.jsonObject(with: Data(setup.stdout.utf8)) as? [String: String])?["key"])

        let fleetPath = directory.appendingPathComponent("fleet.yaml").path
        try """
        version: 1
        fleet: \(fleetName)
        state: \(directory.appendingPathComponent("state.sqlite").path)
        endpoints: { url: "\(moto.endpoint)" }
        defaults: { region: eu-west-1, poll: { initial: 0.2, max: 1 } }
        accounts:
          prod: { id: "\(moto.account)" }
          dev: { id: "222222222222" }
          staging: { id: "333333333333" }
        sources:
          - { name: \(source), account: prod, cluster: orders-prod, schedule: "0 2 * * *", kms_key: "\(key)", retention: { keep_last: 2 }, share_with: [dev, staging] }

        """.write(toFile: fleetPath, atomically: true, encoding: .utf8)
        let env = ["AWS_ACCESS_KEY_ID": moto.accessKeyId, "AWS_SECRET_ACCESS_KEY": moto.secretAccessKey,
                   "AWS_EC2_METADATA_DISABLED": "true", "AWS_PROFILE": "", "AWS_CONFIG_FILE": "/nonexistent",
                   "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent"]
        func inventory() async throws -> [ObservedSnapshot] {
            try await SnapshotInventory.manualSnapshots(endpoint: moto.endpoint, accessKeyId: moto.accessKeyId,
                                                        secretAccessKey: moto.secretAccessKey, account: moto.account,
                                                        cluster: "orders-prod")
        }
        let foreignBefore = try #require(try await inventory().first { $0.id == foreign })

        for day in 1...4 {
            let r = try await CommandRunner.snapferry(["apply", "--config", fleetPath, "--at", String(format: "2026-12-%02dT03:00:00Z", day),
                                                       "--yes"], environment: env)
            #expect(r.status == 0, "day \(day): \(r.stdout)\n\(r.stderr)")
            let all = try await inventory()
            let ours = all.filter { $0.tags["snapferry:fleet"] == fleetName }
            let keptDays = Array(max(1, day - 1)...day)
            func name(_ d: Int) -> String { String(format: "snapferry-\(source)-202612%02d-0200", d) }
            #expect(Set(ours.map(\.id)) == Set(keptDays.flatMap { [name($0), name($0) + "-s1"] }), "day \(day): \(ours.map(\.id))")
            for d in keptDays {
                let id = name(d)
                let primary = try #require(ours.first { $0.id == id }, "day \(day): \(id) missing")
                #expect(primary.tags["snapferry:managed"] == "true" && primary.tags["snapferry:source"] == source)
                #expect(primary.tags["snapferry:slot"] == String(format: "2026-12-%02dT02:00:00Z", d))
                let carrier = try #require(ours.first { $0.id == id + "-s1" }, "day \(day): \(id)-s1 missing")
                #expect(carrier.sharedWith == ["222222222222", "333333333333"], "day \(day): shares of \(carrier.id)")
                #expect(carrier.kmsKeyId == key, "day \(day): \(carrier.id) must be under the CMK")
                #expect(primary.sharedWith.isEmpty)
            }
            #expect(all.first { $0.id == foreign } == foreignBefore, "day \(day): a snapshot snapferry did not make was changed")
        }
    }
}
