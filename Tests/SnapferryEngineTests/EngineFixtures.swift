import AWSKit
import Foundation
import SnapferryConfig
import SnapferryCore
import SnapferryEngine
import SnapferryStore
import Testing

/// Builders shared by the planner, safety and fleet tests.
enum EngineFixtures {
    static let fleet = "acme"
    static let region = "eu-west-1"
    static let sourceAccountID = "100000000001"
    static let cmk = "arn:aws:kms:eu-west-1:100000000001:key/0f9a8b7c-1111-2222-3333-444455556666"
    static let awsRDSKey = "arn:aws:kms:eu-west-1:100000000001:key/aaaaaaaa-0000-0000-0000-000000000001"
    /// 2026-12-01T01:00:00Z, a Tuesday.
    static let day0 = Date(timeIntervalSince1970: 1_796_086_800)

    /// Target account ids `2000000000NN`, NN = 1…count.
    static func targetIDs(_ count: Int) -> [String] {
        (1...max(1, count)).prefix(count).map { "2000000000" + String(format: "%02d", $0) }
    }

    /// A one-source fleet file: `orders` in account `prod`, daily at 01:00 UTC.
    static func source(targets: Int = 3, kmsKey: String? = cmk, retention: String = "{ keep_last: 3 }",
                       method: String = "snapshot") throws -> (FleetConfig, Source) {
        var yaml = """
        version: 1
        fleet: \(fleet)
        defaults:
          region: \(region)
        accounts:
          prod: { id: "\(sourceAccountID)" }

        """
        for (i, id) in targetIDs(targets).enumerated() { yaml += "  t\(i + 1): { id: \"\(id)\" }\n" }
        yaml += """
        sources:
          - name: orders
            account: prod
            cluster: orders-prod
            schedule: "0 1 * * *"
            method: \(method)
            retention: \(retention)
            share_with: [\((1...targets).map { "t\($0)" }.joined(separator: ", "))]

        """
        if let kmsKey { yaml += "    kms_key: \(kmsKey)\n" }
        let config = try FleetLoader.load(yaml: yaml, file: "fleet.yaml").get()
        let source = try #require(config.sources.first)
        return (config, source)
    }

    static func slot(_ day: Int) -> Date { day0.addingTimeInterval(Double(day) * 86400) }
    static func name(_ day: Int, copy: Int? = nil) -> String {
        SnapshotName(source: "orders", slot: slot(day), shareCopy: copy).description
    }
    static func arn(_ id: String) -> String { "arn:aws:rds:\(region):\(sourceAccountID):cluster-snapshot:\(id)" }

    /// A manual snapshot of `orders-prod` with snapferry's tags for its slot (unless `tags` is given).
    static func snapshot(_ id: String, day: Int, status: String = "available", type: String = "manual",
                         kms: String? = cmk, tags: [AWSKit.Tag]? = nil, copiedFrom: String? = nil) -> DBClusterSnapshot {
        DBClusterSnapshot(identifier: id, clusterIdentifier: "orders-prod", arn: arn(id), status: status, snapshotType: type,
                          createTime: slot(day), kmsKeyId: kms, storageEncrypted: kms != nil, engine: "aurora-postgresql",
                          sourceSnapshotArn: copiedFrom.map(arn),
                          tags: tags ?? ManagedTags.forSnapshot(fleet: fleet, source: "orders", slot: slot(day)))
    }

    /// The state record of `id`.
    static func owned(_ id: String, day: Int, role: OwnedSnapshot.Role = .primary, sharedWith: [String] = []) -> OwnedSnapshot {
        OwnedSnapshot(identifier: id, source: "orders", account: sourceAccountID, region: region, slot: slot(day), role: role,
                      sharedWith: sharedWith, createdAt: slot(day))
    }

    static func cluster(status: String = "available") -> DBCluster {
        DBCluster(identifier: "orders-prod", arn: "arn:aws:rds:\(region):\(sourceAccountID):cluster:orders-prod",
                  status: status, engine: "aurora-postgresql", kmsKeyId: cmk, storageEncrypted: true)
    }

    /// Planner input for `source` at `now`.
    static func input(_ config: FleetConfig, _ source: Source, now: Date, snapshots: [DBClusterSnapshot],
                      owned: [OwnedSnapshot], automated: [DBClusterSnapshot] = [], keys: Set<String> = [cmk],
                      quota: AccountQuota? = nil, inFlight: Set<String> = []) -> RotationInput {
        let shareIDs = source.shareWith.compactMap { config.account(named: $0)?.id }
        return RotationInput(fleet: fleet, source: source, accountID: sourceAccountID, shareAccountIDs: shareIDs, now: now,
                             observation: SourceObservation(cluster: cluster(), snapshots: snapshots, automated: automated,
                                                            customerManagedKeys: keys, quota: quota),
                             owned: owned, inFlight: inFlight)
    }
}

extension RotationAction {
    var blockedMessage: String? { if case let .blocked(why) = self { why } else { nil } }
    var shareChange: (id: String, add: [String], remove: [String])? {
        if case let .share(id, add, remove) = self { (id, add, remove) } else { nil }
    }
}
