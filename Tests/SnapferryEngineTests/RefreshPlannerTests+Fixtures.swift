import AWSKit
import Foundation
import SnapferryConfig
import SnapferryEngine
import Testing

/// The fleet, target, shared snapshot and team's cluster `RefreshPlannerTests` plan against, and the
/// reference model of the target account that applies each step.
extension RefreshPlannerTests {
    static let fleet = "acme"
    static let targetAccount = "200000000001"
    static let targetKey = "arn:aws:kms:eu-west-1:200000000001:key/11111111-2222-3333-4444-555555555555"
    /// 2026-12-02T03:30:00Z, the refresh slot.
    static let slot = Date(timeIntervalSince1970: 1_796_182_200)
    static let snapshotSlot = Date(timeIntervalSince1970: 1_796_173_200)  // 2026-12-02T01:00:00Z

    static func target(copy: Bool = false, hook: Bool = false, adopt: Bool = false, instances: String = "[{ class: db.r6g.large, count: 2 }]",
                       maxAge: String? = nil, extra: String = "") throws -> Target {
        var yaml = """
        version: 1
        fleet: \(fleet)
        defaults: { region: eu-west-1 }
        accounts:
          prod: { id: "100000000001" }
          dev: { id: "\(targetAccount)" }
        sources:
          - { name: orders, account: prod, cluster: orders-prod, schedule: "0 1 * * *", retention: { keep_last: 3 }, share_with: [dev] }
        targets:
          - name: orders-dev
            source: orders
            account: dev
            schedule: "30 3 * * *"
            cluster: orders-dev
            instances: \(instances)
            subnet_group: dev-db
            security_groups: [sg-0123456789abcdef0]
            kms_key: \(targetKey)
            copy_into_account: \(copy)
            adopt: \(adopt)

        """
        if hook { yaml += "    post_restore: { command: [/bin/true], timeout: 5m }\n" }
        if let maxAge { yaml += "    max_snapshot_age: \(maxAge)\n" }
        yaml += extra
        let config = try FleetLoader.load(yaml: yaml, file: "fleet.yaml").get()
        return try #require(config.targets.first)
    }

    static let shared = SharedSnapshot(
        identifier: "snapferry-orders-20261202-0100", arn: "arn:aws:rds:eu-west-1:100000000001:cluster-snapshot:snapferry-orders-20261202-0100",
        slot: snapshotSlot, status: "available", createdAt: snapshotSlot, engine: "aurora-postgresql", engineVersion: "16.4",
        sharedWithTarget: true)

    static func tags(slot: Date) -> [AWSKit.Tag] {
        [AWSKit.Tag("snapferry:managed", "true"), AWSKit.Tag("snapferry:fleet", fleet), AWSKit.Tag("snapferry:source", "orders"),
         AWSKit.Tag("snapferry:slot", AWSTimestamp.formatSeconds(slot)), AWSKit.Tag("snapferry:target", "orders-dev")]
    }

    /// The reference model: applies each step as AWS would, at once.
    struct Model {
        var world: TargetWorld
        var record: RefreshRecord?
        var hookRuns = 0
        var log: [String] = []

        mutating func apply(_ step: RefreshStep) {
            log.append(step.action.summary)
            switch step.action {
            case .copySnapshot(_, let copy, let key):
                world.snapshots.append(DBClusterSnapshot(identifier: copy, clusterIdentifier: "orders-prod", arn: "arn:copy:\(copy)",
                                                         status: "available", snapshotType: "manual", createTime: nil, kmsKeyId: key,
                                                         storageEncrypted: true, engine: "aurora-postgresql"))
            case .restore(let cluster, _, _, _):
                world.clusters.append(DBCluster(identifier: cluster, arn: "arn:cluster:\(cluster)", status: "available",
                                                engine: "aurora-postgresql", tags: RefreshPlannerTests.tags(slot: RefreshPlannerTests.slot)))
            case .createInstance(let name, let cluster, let cls, let tier):
                world.instances.append(DBInstance(identifier: name, arn: "arn:db:\(name)", clusterIdentifier: cluster, instanceClass: cls,
                                                  status: "available", engine: "aurora-postgresql", promotionTier: tier))
            case .manageMasterPassword(let cluster):
                let i = world.clusters.firstIndex { $0.identifier == cluster }!
                world.clusters[i].masterUserSecretArn = "arn:aws:secretsmanager:eu-west-1:200000000001:secret:rds!cluster-x"
            case .runHook:
                hookRuns += 1
                record?.hookPassed = true
            case .renameCluster(let from, let to):
                let i = world.clusters.firstIndex { $0.identifier == from }!
                world.clusters[i].identifier = to
                for j in world.instances.indices where world.instances[j].clusterIdentifier == from {
                    world.instances[j].clusterIdentifier = to
                }
            case .renameInstance(let from, let to):
                precondition(!world.instances.contains { $0.identifier == to }, "AWS refuses: \(to) exists")
                let i = world.instances.firstIndex { $0.identifier == from }!
                world.instances[i].identifier = to
                // As the engine does: remember the names of the replaced cluster's instances, forward only.
                if to.hasPrefix("orders-dev-old-"), record?.failure == nil, record?.originalInstanceNames[to] == nil {
                    record?.originalInstanceNames[to] = from
                }
            case .deleteInstance(let name):
                world.instances.removeAll { $0.identifier == name }
            case .deleteCluster(let name, _):
                precondition(!world.instances.contains { $0.clusterIdentifier == name }, "AWS refuses: \(name) has instances")
                world.clusters.removeAll { $0.identifier == name }
            case .deleteSnapshot(let id):
                world.snapshots.removeAll { $0.identifier == id }
            }
        }

        /// Plans and applies until the planner says done, failed, refused or skipped; returns that outcome.
        mutating func run(_ target: Target, candidates: [SharedSnapshot] = [RefreshPlannerTests.shared], passes: Int = 20,
                          now: Date = RefreshPlannerTests.slot) -> RefreshPlan.Outcome {
            for _ in 0..<passes {
                let plan = RefreshPlanner.plan(target: target, fleet: RefreshPlannerTests.fleet, slot: RefreshPlannerTests.slot, now: now,
                                               candidates: candidates, world: world, record: record)
                if record == nil, let s = plan.snapshot { record = RefreshRecord(snapshotIdentifier: s.identifier, snapshotArn: s.arn) }
                switch plan.outcome {
                case .act: plan.steps.forEach { apply($0) }
                case .mustRollBack(let reason): record?.failure = reason
                case .waiting(let why): Issue.record("the model completes everything at once, yet: \(why)"); return plan.outcome
                default: return plan.outcome
                }
            }
            Issue.record("no end after \(passes) passes")
            return .waiting("loop")
        }
    }

    /// The team's current cluster, made by an earlier refresh, with two instances.
    static var oldWorld: TargetWorld {
        let earlier = slot.addingTimeInterval(-86400)
        return TargetWorld(
            clusters: [DBCluster(identifier: "orders-dev", arn: "arn:old", status: "available", engine: "aurora-postgresql", tags: tags(slot: earlier))],
            instances: [DBInstance(identifier: "orders-dev-1", arn: "a1", clusterIdentifier: "orders-dev", instanceClass: "db.r6g.large",
                                   status: "available", engine: "aurora-postgresql"),
                        DBInstance(identifier: "orders-dev-2", arn: "a2", clusterIdentifier: "orders-dev", instanceClass: "db.r6g.large",
                                   status: "available", engine: "aurora-postgresql")])
    }
}

extension TargetWorld {
    func cluster(named id: String) -> DBCluster? { clusters.first { $0.identifier == id } }

}
