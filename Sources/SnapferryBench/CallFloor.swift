import Foundation

/// The fewest AWS calls a cycle can make, per account: the changes it cannot avoid, one observation
/// per account and region per pass that has work there, one status read per account per stage it
/// waits through, and one AssumeRole per account per session the cycle outlasts.
///
/// Changes per source: the snapshot; the copies that make it shareable (one per 20 accounts, less
/// one when the cluster is under its CMK, whose primary carries the first 20); one share call per
/// carrier (a call adds up to 20 accounts); and once retention is full, the deletion of each snapshot
/// of the slot that leaves it. Per refresh with n instances: the restore, n instances, the two
/// cluster renames and 2n instance renames of the swap, n instance deletions and the cluster's.
public struct CallFloor: Sendable, Hashable {
    /// RDS calls per account id.
    public var rds: [String: Int]
    public var sts: Int
    public var total: Int { rds.values.reduce(0, +) + sts }

    public static let instancesPerTarget = 1

    /// `pruning`: whether retention is full, so each night deletes a slot. `sessions`: sessions per account.
    public static func compute(spec: BenchFleetSpec, pruning: Bool, sessions: Int) -> CallFloor {
        var rds: [String: Int] = [:]
        for a in 0..<spec.sourceAccounts {
            let members = (a * spec.sourcesPerAccount)..<min(spec.sources, (a + 1) * spec.sourcesPerAccount)
            var calls = 0, copies = 0
            for i in members {
                let c = spec.carriersPerSource - (spec.underDefaultKey(i) ? 0 : 1)
                copies += c
                let perSlot = spec.carriersPerSource + (spec.underDefaultKey(i) ? 1 : 0)
                calls += 1 + c + spec.carriersPerSource + (pruning ? perSlot : 0)
            }
            // One look at the account; status reads while snapshots, then copies, are made.
            calls += 1 + 1 + (copies > 0 ? 1 : 0)
            rds[BenchFleet.sourceAccount(a)] = calls
        }
        let n = instancesPerTarget
        for k in 0..<spec.targetAccounts where spec.refreshesPerAccount > 0 {
            // One look; status reads for the restore, instance, cluster-rename and instance-rename stages.
            rds[BenchFleet.targetAccount(k)] = spec.refreshesPerAccount * (4 + 4 * n) + 1 + 4
        }
        let accounts = spec.sourceAccounts + (spec.refreshesPerAccount > 0 ? spec.targetAccounts : 0)
        return CallFloor(rds: rds, sts: accounts * max(1, sessions))
    }
}
