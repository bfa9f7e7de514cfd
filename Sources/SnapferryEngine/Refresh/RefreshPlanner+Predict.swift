import AWSKit
import Foundation
import SnapferryConfig

/// The whole rest of a refresh, for `plan`: what the planner would ask for pass after pass if every
/// step succeeded and AWS finished each at once.
public struct RefreshPrediction: Sendable, Hashable {
    /// Every step from here to the end, in order.
    public var steps: [RefreshStep]
    /// Where the played-out transaction ends: `.done`, or the outcome that stops it.
    public var end: RefreshPlan.Outcome
}

extension RefreshPlanner {
    /// Plays the transaction out on a copy of `world`: plan, imagine the steps done, plan again.
    public static func predict(target: Target, fleet: String, slot: Date, now: Date, candidates: [SharedSnapshot],
                               world: TargetWorld, record: RefreshRecord?, maxPasses: Int = 60) -> RefreshPrediction {
        var world = world, record = record, steps: [RefreshStep] = []
        let names = RefreshNames(target: target, slot: slot)
        for _ in 0..<maxPasses {
            let plan = plan(target: target, fleet: fleet, slot: slot, now: now, candidates: candidates, world: world, record: record)
            if record == nil, let snapshot = plan.snapshot {
                record = RefreshRecord(snapshotIdentifier: snapshot.identifier, snapshotArn: snapshot.arn)
                record?.engine = snapshot.engine
            }
            switch plan.outcome {
            case .act where !plan.steps.isEmpty:
                for step in plan.steps {
                    steps.append(step)
                    imagine(step, in: &world, record: &record, target: target, fleet: fleet, slot: slot, names: names)
                }
            case .mustRollBack(let why):
                record?.failure = why
            case .waiting:
                // Something observed in flight: imagined finished.
                for i in world.clusters.indices { world.clusters[i].status = "available" }
                for i in world.instances.indices { world.instances[i].status = "available" }
                for i in world.snapshots.indices { world.snapshots[i].status = "available" }
                let again = Self.plan(target: target, fleet: fleet, slot: slot, now: now, candidates: candidates, world: world, record: record)
                if case .waiting = again.outcome { return RefreshPrediction(steps: steps, end: again.outcome) }
            default:
                return RefreshPrediction(steps: steps, end: plan.outcome)
            }
        }
        return RefreshPrediction(steps: steps, end: .waiting("no end after \(maxPasses) passes"))
    }

    /// What AWS would hold once `step` finished.
    static func imagine(_ step: RefreshStep, in world: inout TargetWorld, record: inout RefreshRecord?, target: Target, fleet: String,
                        slot: Date, names: RefreshNames) {
        let engine = record?.engine ?? "aurora-postgresql"
        switch step.action {
        case let .copySnapshot(_, copy, key):
            world.snapshots.append(DBClusterSnapshot(identifier: copy, clusterIdentifier: "", arn: copy, status: "available",
                                                     snapshotType: "manual", createTime: nil, kmsKeyId: key, storageEncrypted: true,
                                                     engine: engine))
        case let .restore(cluster, _, key, _):
            let tags = [Tag(ManagedTags.managed, "true"), Tag(ManagedTags.fleet, fleet), Tag(ManagedTags.source, target.source),
                        Tag(ManagedTags.slot, AWSTimestamp.formatSeconds(slot)), Tag(ManagedTags.target, target.name)]
            world.clusters.append(DBCluster(identifier: cluster, arn: cluster, status: "available", engine: engine, kmsKeyId: key, tags: tags))
        case let .manageMasterPassword(cluster):
            if let i = world.clusters.firstIndex(where: { $0.identifier == cluster }) { world.clusters[i].masterUserSecretArn = "managed" }
        case let .createInstance(name, cluster, instanceClass, tier):
            world.instances.append(DBInstance(identifier: name, arn: name, clusterIdentifier: cluster, instanceClass: instanceClass,
                                              status: "available", engine: engine, promotionTier: tier))
        case .runHook:
            record?.hookPassed = true
        case let .renameCluster(from, to):
            if let i = world.clusters.firstIndex(where: { $0.identifier == from }) { world.clusters[i].identifier = to }
            for i in world.instances.indices where world.instances[i].clusterIdentifier == from { world.instances[i].clusterIdentifier = to }
        case let .renameInstance(from, to):
            if let i = world.instances.firstIndex(where: { $0.identifier == from }) { world.instances[i].identifier = to }
            if record?.failure == nil, to.hasPrefix(names.retiring + "-"), record?.originalInstanceNames[to] == nil {
                record?.originalInstanceNames[to] = from
            }
        case let .deleteInstance(name):
            world.instances.removeAll { $0.identifier == name }
        case let .deleteCluster(name, _):
            world.clusters.removeAll { $0.identifier == name }
        case let .deleteSnapshot(id):
            world.snapshots.removeAll { $0.identifier == id }
        }
    }
}
