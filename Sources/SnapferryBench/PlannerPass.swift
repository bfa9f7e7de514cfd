import AWSKit
import Foundation
import SnapferryConfig
import SnapferryEngine

/// How long one rotation pass spends planning (pure CPU, no AWS): 500 sources shared with 20 accounts
/// each (10,000 source × target pairs), each with a week of retained, shared snapshots, at the moment a
/// new slot falls due (every source creates, and retention weighs eight slots).
public enum PlannerPass {
    public static let spec = BenchFleetSpec(name: "planner", sources: 500, sourcesPerAccount: 4, targetAccounts: 20,
                                            refreshesPerAccount: 0, retentionDays: 7)

    /// The median of `repeats` passes, in milliseconds.
    public static func measure(repeats: Int = 7) throws -> Double {
        let fleet = BenchFleet(spec: spec)
        guard case .success(let config) = FleetLoader.load(yaml: fleet.yaml, file: "planner.yaml") else {
            throw BenchError("the planner fleet file is invalid")
        }
        let now = fleet.scenario.startDate!
        let owned = Dictionary(grouping: BenchHistory.records(spec), by: \.source)
        let observed = Dictionary(grouping: fleet.scenario.clusterSnapshots) { $0.tags["snapferry:source"] ?? "" }
        let shareIDs = (0..<spec.targetAccounts).map(BenchFleet.targetAccount)
        let inputs = config.sources.map { source in
            let snapshots = (observed[source.name] ?? []).map { s in
                DBClusterSnapshot(identifier: s.id, clusterIdentifier: s.cluster,
                                  arn: "arn:aws:rds:\(s.region):\(s.account):cluster-snapshot:\(s.id)", status: "available",
                                  snapshotType: "manual", createTime: AWSTimestamp.parse(s.created), kmsKeyId: s.kmsKey,
                                  storageEncrypted: true, engine: "aurora-postgresql", percentProgress: 100,
                                  tags: s.tags.map { Tag($0.key, $0.value) })
            }
            let account = config.account(named: source.account)!.id
            let cluster = DBCluster(identifier: source.cluster, arn: "arn:aws:rds:eu-west-1:\(account):cluster:\(source.cluster)",
                                    status: "available", engine: "aurora-postgresql", kmsKeyId: nil, storageEncrypted: true)
            return RotationInput(fleet: config.fleet, source: source, accountID: account, shareAccountIDs: shareIDs, now: now,
                                 observation: SourceObservation(cluster: cluster, snapshots: snapshots,
                                                                customerManagedKeys: [BenchFleet.cmk(account)]),
                                 owned: owned[source.name] ?? [])
        }
        var times: [Double] = []
        var actions = 0
        for _ in 0..<repeats {
            let began = ContinuousClock.now
            actions = inputs.reduce(0) { $0 + RotationPlanner.plan($1).actions.count }
            times.append(SnapferryRun.seconds(ContinuousClock.now - began) * 1000)
        }
        guard actions >= inputs.count else { throw BenchError("the planner pass planned \(actions) actions for \(inputs.count) sources") }
        return times.sorted()[times.count / 2]
    }
}
