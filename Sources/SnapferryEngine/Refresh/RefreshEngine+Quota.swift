import AWSKit
import Foundation
import SnapferryConfig
import SnapferryCore

/// What a refresh adds to its account's RDS quotas at its peak: while the old and the new cluster exist
/// side by side it holds one more cluster, its instances, and with `copy_into_account` one more manual
/// cluster snapshot.
struct RefreshDemand: Sendable, Hashable {
    var clusters = 0, instances = 0, snapshots = 0

    /// The whole peak of a refresh of `target` not yet begun.
    init(target: Target) {
        clusters = 1
        instances = target.instances.reduce(0) { $0 + max(1, $1.count) }
        snapshots = target.copyIntoAccount ? 1 : 0
    }

    init(clusters: Int = 0, instances: Int = 0, snapshots: Int = 0) {
        self.clusters = clusters; self.instances = instances; self.snapshots = snapshots
    }

    /// What a begun refresh has yet to create, from what `world` shows of it: AWS's `Used` counts
    /// the rest already. A refresh rolling back creates nothing more.
    init(outstanding target: Target, slot: Date, record: RefreshRecord, world: TargetWorld) {
        guard record.failure == nil else { self.init(); return }
        let full = RefreshDemand(target: target)
        let slotTag = AWSTimestamp.formatSeconds(slot)
        let made = world.clusters.first { $0.tags.dictionary[ManagedTags.target] == target.name && $0.tags.dictionary[ManagedTags.slot] == slotTag }
        guard let made else {
            let copy = RefreshNames.accountCopy(of: record.snapshotIdentifier, target: target.name)
            let copied = world.snapshots.contains { $0.identifier.caseInsensitiveCompare(copy) == .orderedSame }
            self.init(clusters: 1, instances: full.instances, snapshots: copied ? 0 : full.snapshots)
            return
        }
        let present = world.instances.filter { $0.clusterIdentifier == made.identifier }.count
        self.init(instances: max(0, full.instances - present))
    }

    static func + (a: Self, b: Self) -> Self {
        Self(clusters: a.clusters + b.clusters, instances: a.instances + b.instances, snapshots: a.snapshots + b.snapshots)
    }
}

/// Room left under an account × region's quotas (Max − Used − what begun refreshes have yet to create).
struct QuotaRoom: Sendable, Hashable {
    var clusters: Int?, instances: Int?, snapshots: Int?
    /// The quotas as read, for the message when a refresh can never fit.
    var described: String

    /// The first quota `demand` would exceed, or nil when it fits.
    func exceeded(by demand: RefreshDemand) -> String? {
        if let clusters, demand.clusters > clusters { return "DB clusters" }
        if let instances, demand.instances > instances { return "DB instances" }
        if let snapshots, demand.snapshots > snapshots { return "manual cluster snapshots" }
        return nil
    }

    mutating func take(_ demand: RefreshDemand) {
        clusters = clusters.map { $0 - demand.clusters }
        instances = instances.map { $0 - demand.instances }
        snapshots = snapshots.map { $0 - demand.snapshots }
    }
}

extension RefreshEngine {
    /// The room in `flight`'s account × region, read with one DescribeAccountAttributes; nil when it
    /// cannot be read (AWS then refuses a step past the quota, and the refresh rolls back).
    func quotaRoom(for flight: Flight, running: [Flight], world: TargetWorld) async -> QuotaRoom? {
        let quotas: [AccountQuota]
        do {
            quotas = try await aws.rds(flight.account, region: flight.target.region).describeAccountAttributes()
        } catch {
            logger.notice("could not read the RDS quotas; refreshes start without checking them",
                          metadata: ["account": "\(flight.account.id)", "error": "\(Self.describe(error))"])
            return nil
        }
        let outstanding = running.filter { Self.scopeKey($0) == Self.scopeKey(flight) }.reduce(RefreshDemand()) { sum, other in
            guard let record = other.record else { return sum }
            return sum + RefreshDemand(outstanding: other.target, slot: other.slot, record: record, world: world)
        }
        func left(_ name: String, _ taken: Int) -> Int? {
            quotas.first { $0.name == name }.map { Int($0.max - $0.used) - taken }
        }
        let described = ["DBClusters", "DBInstances", "ManualClusterSnapshots"].compactMap { name in
            quotas.first { $0.name == name }.map { "\(name) \($0.used) of \($0.max)" }
        }.joined(separator: ", ")
        return QuotaRoom(clusters: left("DBClusters", outstanding.clusters), instances: left("DBInstances", outstanding.instances),
                         snapshots: left("ManualClusterSnapshots", outstanding.snapshots), described: described)
    }
}
