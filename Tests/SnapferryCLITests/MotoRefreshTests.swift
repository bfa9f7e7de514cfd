import Foundation
import SnapferryTestSupport
import Testing

/// `snapferry apply` through the built binary against the shared, signature-checking moto_server
/// (with the cross-account patches of `Tests/python/moto_server.py`): one target in another account,
/// reached through an assumed role, refreshed on two nights under its stable name from the snapshot
/// production shared that night, re-keyed under the target's own key, password handed to Secrets
/// Manager. The target account is read back with boto3 through the same role, not through snapferry.
@Suite(.timeLimit(.minutes(3))) struct MotoRefreshTests {
    @Test func twoNights_oneTargetThroughAnAssumedRole_againstMoto() async throws {
        let moto = try await MotoServer.shared.environment()
        let dev = "222222222222"
        let role = try #require(moto.roles[dev])
        let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        let fleetName = "moto-refresh-\(suffix)", source = "orders-\(suffix)", stable = "orders-dev-\(suffix)"
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("snapferry-moto-refresh-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        // boto3, as an operator's script would: a CMK in production to share under, and the target's own key.
        let common = """
            import boto3, json, sys
            kw = dict(endpoint_url=sys.argv[1], region_name="eu-west-1", aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3])
            c = boto3.client("sts", **kw).assume_role(RoleArn=sys.argv[4], RoleSessionName="reader")["Credentials"]
            dev = dict(endpoint_url=sys.argv[1], region_name="eu-west-1", aws_access_key_id=c["AccessKeyId"],
                       aws_secret_access_key=c["SecretAccessKey"], aws_session_token=c["SessionToken"])

            """
        func python(_ body: String, _ extra: [String] = []) async throws -> [String: Any] {
            let r = try await CommandRunner.run(TestPaths.python, ["-c", common + body, moto.endpoint, moto.accessKeyId, moto.secretAccessKey,
                                                                   role] + extra, timeout: .seconds(60))
            try #require(r.status == 0, "\(r.stderr)")
            return try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        }
        let keys = try await python("""
            print(json.dumps({"cmk": boto3.client("kms", **kw).create_key()["KeyMetadata"]["Arn"],
                              "dev": boto3.client("kms", **dev).create_key()["KeyMetadata"]["Arn"]}))
            """)
        let cmk = try #require(keys["cmk"] as? String), devKey = try #require(keys["dev"] as? String)

        let fleetPath = directory.appendingPathComponent("fleet.yaml").path
        try """
        version: 1
        fleet: \(fleetName)
        state: \(directory.appendingPathComponent("state.sqlite").path)
        endpoints: { url: "\(moto.endpoint)" }
        defaults: { region: eu-west-1, poll: { initial: 0.2, max: 1 } }
        accounts:
          prod: { id: "\(moto.account)" }
          dev: { id: "\(dev)", role_arn: "\(role)" }
        sources:
          - { name: \(source), account: prod, cluster: orders-prod, schedule: "0 2 * * *", kms_key: "\(cmk)", retention: { keep_last: 2 }, share_with: [dev] }
        targets:
          - { name: \(stable), source: \(source), account: dev, schedule: "0 3 * * *", cluster: \(stable),
              instances: [{ class: db.r6g.large }], subnet_group: dev-db, security_groups: [sg-00000000000000de1],
              kms_key: "\(devKey)", master_password: managed }
        """.write(toFile: fleetPath, atomically: true, encoding: .utf8)
        let env = ["AWS_ACCESS_KEY_ID": moto.accessKeyId, "AWS_SECRET_ACCESS_KEY": moto.secretAccessKey,
                   "AWS_EC2_METADATA_DISABLED": "true", "AWS_PROFILE": "", "AWS_CONFIG_FILE": "/nonexistent",
                   "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent"]

        for day in 1...2 {
            let at = String(format: "2026-12-%02dT03:00:00Z", day)
            let r = try await CommandRunner.snapferry(["apply", "--config", fleetPath, "--at", at, "--yes"], environment: env)
            let carrier = String(format: "snapferry-\(source)-202612%02d-0200-s1", day)
            #expect(r.status == 0, "day \(day): \(r.stdout)\n\(r.stderr)")
            #expect(r.stdout.contains("target \(stable) (slot \(at)): ok, refreshed from \(carrier)"), "day \(day): \(r.stdout)\n\(r.stderr)")

            let seen = try await python("""
                rds = boto3.client("rds", **dev)
                mine = [c for c in rds.describe_db_clusters()["DBClusters"] if c["DBClusterIdentifier"].startswith(sys.argv[5])]
                instances = [(i["DBInstanceIdentifier"], i.get("DBClusterIdentifier")) for i in rds.describe_db_instances()["DBInstances"]
                             if i["DBInstanceIdentifier"].startswith(sys.argv[5])]
                copies = [s["DBClusterSnapshotIdentifier"] for s in rds.describe_db_cluster_snapshots(SnapshotType="manual")["DBClusterSnapshots"]
                          if sys.argv[5] in s["DBClusterSnapshotIdentifier"]]
                print(json.dumps({"clusters": [c["DBClusterIdentifier"] for c in mine],
                                  "slot": [{t["Key"]: t["Value"] for t in c.get("TagList", [])}.get("snapferry:slot") for c in mine],
                                  "kms": [c.get("KmsKeyId") for c in mine], "secret": [bool(c.get("MasterUserSecret")) for c in mine],
                                  "instances": [f"{i} of {c}" for i, c in instances], "copies": copies}))
                """, [stable])
            #expect(seen["clusters"] as? [String] == [stable], "day \(day): \(seen)")
            #expect(seen["slot"] as? [String] == [at], "day \(day): \(seen)")
            #expect(seen["kms"] as? [String] == [devKey], "day \(day): \(seen)")
            #expect(seen["secret"] as? [Bool] == [true], "day \(day): \(seen)")
            #expect(seen["instances"] as? [String] == ["\(stable)-1 of \(stable)"], "day \(day): \(seen)")
            #expect(seen["copies"] as? [String] == [], "day \(day): \(seen)")
        }
    }
}
