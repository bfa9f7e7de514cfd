import AWSKit
import Foundation
import SnapferryConfig
import SnapferryCore

extension Doctor {
    /// The target's key, subnet and parameter groups exist in its account and region; its cluster
    /// name is free, this fleet's, or the target says `adopt`.
    func target(_ target: Target) async -> [DoctorCheck] {
        let subject = "target \(target.name)"
        guard let account = config.account(named: target.account) else { return [] }
        let rds = aws.rds(account, region: target.region)
        var checks: [DoctorCheck] = []
        if let key = target.kmsKey {
            do {
                let metadata = try await aws.kms(account, region: target.region).describeKey(keyId: key)
                checks.append(metadata.keyState == "Enabled" && metadata.enabled
                    ? DoctorCheck("target-key", subject, .ok, "kms_key \(metadata.arn) is enabled")
                    : DoctorCheck("target-key", subject, .fail, "kms_key \(metadata.arn) is \(metadata.keyState)",
                                  fix: "enable it, or set kms_key of target \(target.name) to an enabled key in \(account.id)/\(target.region)"))
            } catch {
                checks.append(DoctorCheck("target-key", subject, .fail, "kms_key \(key) cannot be used in \(account.id)/\(target.region): \(Self.describe(error))",
                                          fix: "set kms_key of target \(target.name) to a key that exists in \(account.id)/\(target.region), "
                                              + "and let the role use it (see `snapferry policy --target \(target.name)`)"))
            }
        }
        checks += await network(target, rds: rds)
        do {
            let existing = try await rds.describeDBClusters(.init(clusterIdentifier: target.cluster)).items.first
            if let cluster = existing {
                let fleet = cluster.tags.first { $0.key == ManagedTags.fleet }?.value
                if fleet == config.fleet {
                    checks.append(DoctorCheck("cluster-name", subject, .ok, "cluster \(target.cluster) is this fleet's (refreshed before)"))
                } else if target.adopt {
                    checks.append(DoctorCheck("cluster-name", subject, .ok,
                                              "cluster \(target.cluster) exists without this fleet's tag; adopt: true lets the first refresh replace it"))
                } else {
                    checks.append(DoctorCheck("cluster-name", subject, .fail,
                                              "cluster \(target.cluster) exists and is not this fleet's" + (fleet.map { " (it carries fleet \($0))" } ?? ""),
                                              fix: "set adopt: true on target \(target.name) to let snapferry replace it, or choose another `cluster` name"))
                }
            } else {
                checks.append(DoctorCheck("cluster-name", subject, .ok, "cluster name \(target.cluster) is free"))
            }
        } catch where Self.code(error) == "DBClusterNotFoundFault" {
            checks.append(DoctorCheck("cluster-name", subject, .ok, "cluster name \(target.cluster) is free"))
        } catch {
            checks.append(DoctorCheck("cluster-name", subject, .warn, "cannot read cluster \(target.cluster): \(Self.describe(error))"))
        }
        return checks
    }

    /// Quota headroom per account and region: manual snapshots for what retention keeps and the shareable
    /// copies; DB clusters and instances for a swap (old and new side by side).
    func quotas(skipping unusable: Set<String>) async -> [DoctorCheck] {
        struct Scope: Hashable { var account: String; var region: String }
        var scopes: [Scope] = []
        for s in config.sources where !unusable.contains(s.account) && !scopes.contains(Scope(account: s.account, region: s.region)) { scopes.append(.init(account: s.account, region: s.region)) }
        for t in config.targets where !unusable.contains(t.account) && !scopes.contains(Scope(account: t.account, region: t.region)) { scopes.append(.init(account: t.account, region: t.region)) }
        return await parallel(scopes.map { scope in {
            guard let account = config.account(named: scope.account) else { return [] }
            return await quota(account, region: scope.region)
        } })
    }

    func quota(_ account: Account, region: String) async -> [DoctorCheck] {
        let subject = "account \(account.name) \(region)"
        let quotas: [AccountQuota]
        do { quotas = try await aws.rds(account, region: region).describeAccountAttributes() } catch {
            return [DoctorCheck("quota", subject, .warn, "cannot read the RDS quotas: \(Self.describe(error))",
                                fix: "allow rds:DescribeAccountAttributes to the identity acting in \(account.name)")]
        }
        func find(_ name: String) -> AccountQuota? { quotas.first { $0.name == name } }
        var checks: [DoctorCheck] = []
        let sources = config.sources.filter { $0.account == account.name && $0.region == region }
        let targets = config.targets.filter { $0.account == account.name && $0.region == region }
        let keepsSnapshots = !sources.isEmpty || targets.contains { $0.copyIntoAccount || $0.finalSnapshotOnRetire }
        if keepsSnapshots, let snapshots = find("ManualClusterSnapshots") {
            // Each kept slot: the snapshot and its shareable copies (20 accounts a copy; one more when re-keyed).
            let perSlot = sources.map { s in 1 + Self.carriers(s) }
            let kept = zip(sources, perSlot).map { Self.keptSlots($0.0.retention) * $0.1 }.reduce(0, +)
            let finals = targets.filter(\.finalSnapshotOnRetire).map(\.keepFinalSnapshots).reduce(0, +)
            let copies = targets.filter(\.copyIntoAccount).count
            let needed = Int64(kept + finals + copies), nightly = Int64(perSlot.reduce(0, +) + copies)
            let room = snapshots.max - snapshots.used
            if needed > snapshots.max {
                checks.append(DoctorCheck("snapshot-quota", subject, .fail,
                                          "the fleet keeps up to \(needed) manual cluster snapshots here, over the quota of \(snapshots.max)",
                                          fix: "tighten retention of \(sources.map(\.name).joined(separator: ", ")), or raise ManualClusterSnapshots in Service Quotas"))
            } else if room < nightly {
                checks.append(DoctorCheck("snapshot-quota", subject, .warn,
                                          "\(snapshots.used) of \(snapshots.max) manual cluster snapshots are used; a night adds \(nightly) before pruning",
                                          fix: "delete manual snapshots snapferry does not own, or raise ManualClusterSnapshots in Service Quotas"))
            } else {
                checks.append(DoctorCheck("snapshot-quota", subject, .ok, "\(snapshots.used) of \(snapshots.max) manual cluster snapshots used; the fleet keeps up to \(needed)"))
            }
        }
        guard !targets.isEmpty else { return checks }
        let instancesPerSwap = targets.map { $0.instances.map(\.count).reduce(0, +) }
        for (name, need, all) in [("DBClusters", 1, targets.count), ("DBInstances", instancesPerSwap.max() ?? 0, instancesPerSwap.reduce(0, +))] {
            guard let q = find(name) else { continue }
            let room = q.max - q.used
            if room < need {
                checks.append(DoctorCheck("swap-quota", subject, .fail,
                                          "\(q.used) of \(q.max) \(name) are used: a refresh needs \(need) more while old and new run side by side",
                                          fix: "raise \(name) in Service Quotas, or delete unused ones in \(account.id)/\(region)"))
            } else if room < all {
                checks.append(DoctorCheck("swap-quota", subject, .warn,
                                          "\(q.used) of \(q.max) \(name) are used: \(targets.count) refreshes here need \(all) more at once and will take turns"))
            } else {
                checks.append(DoctorCheck("swap-quota", subject, .ok, "\(q.used) of \(q.max) \(name) used; room for every refresh here at once"))
            }
        }
        return checks
    }

    /// Shareable copies one slot of `source` makes: under the CMK when it names one, one per 20 accounts.
    static func carriers(_ source: Source) -> Int {
        let copies = (source.shareWith.count + 19) / 20
        return source.kmsKey != nil ? max(1, copies) : max(0, copies - 1)
    }

    /// An upper bound of the slots retention keeps (each rule keeps at most its count; `within` and
    /// `unlimited` are counted as a year of daily slots).
    static func keptSlots(_ policy: RetentionPolicy) -> Int {
        let counts = [policy.last, policy.hourly, policy.daily, policy.weekly, policy.monthly, policy.yearly].compactMap { $0 }
        var total = counts.map { c -> Int in if case .count(let n) = c { max(0, n) } else { 365 } }.reduce(0, +)
        if let within = policy.within { total += Int(within.components.seconds / 86_400) + 1 }
        return max(1, total)
    }
}
