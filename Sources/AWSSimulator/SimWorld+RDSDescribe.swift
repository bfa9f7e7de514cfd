import AWSKit
import Foundation

extension SimWorld {
    /// DescribeDBClusters: one page of the caller's clusters.
    func describeClusters(_ input: DescribeDBClustersInput, _ context: SimContext) throws(SimDenial) -> Page<DBCluster> {
        let size = try SimPaging.rdsPageSize(input.maxRecords)
        let state = regions[context.scope] ?? RegionState()
        var clusters = state.clusters.values.map { model($0, state: state, now: context.now) }
        if let wanted = input.clusterIdentifier {
            clusters = clusters.filter { Self.sameID($0.identifier, wanted) || $0.arn == wanted }
            if clusters.isEmpty { throw SimDenial.clusterNotFound(wanted) }
        }
        for filter in input.filters {
            switch filter.name {
            case "db-cluster-id": clusters = clusters.filter { c in filter.values.contains { Self.sameID(c.identifier, $0) || c.arn == $0 } }
            case "engine": clusters = clusters.filter { filter.values.contains($0.engine) }
            default: throw SimDenial.invalidParameter("Unrecognized filter name: \(filter.name)")
            }
        }
        return try SimPaging.page(clusters.sorted { $0.identifier < $1.identifier }, key: \.identifier, maxRecords: size,
                                  marker: input.marker, invalidMarker: .invalidParameter("Invalid marker: \(input.marker ?? "")"))
    }

    /// DescribeDBClusterSnapshots: own snapshots, plus those shared with the caller when asked.
    func describeSnapshots(_ input: DescribeDBClusterSnapshotsInput, _ context: SimContext) throws(SimDenial) -> Page<DBClusterSnapshot> {
        let size = try SimPaging.rdsPageSize(input.maxRecords)
        var records: [SnapshotRecord]
        if let wanted = input.snapshotIdentifier {
            records = [try resolveSnapshot(wanted, context, allowOtherRegion: false)]
        } else {
            let type = input.snapshotType
            let own = (regions[context.scope]?.snapshots.values).map(Array.init) ?? []
            records = type == "shared" || type == "public" ? [] : own.filter { type == nil || $0.type == type }
            if type == "shared" || (type == nil && input.includeShared == true) { records += sharedSnapshots(with: context) }
        }
        var snapshots = records.map { model($0, viewer: context) }
        if let cluster = input.clusterIdentifier {
            snapshots = snapshots.filter { Self.sameID($0.clusterIdentifier, cluster) || clusterArn($0) == cluster }
        }
        for filter in input.filters {
            let values = filter.values
            switch filter.name {
            case "db-cluster-id": snapshots = snapshots.filter { s in values.contains { Self.sameID(s.clusterIdentifier, $0) || clusterArn(s) == $0 } }
            case "db-cluster-snapshot-id": snapshots = snapshots.filter { s in values.contains { Self.sameID(s.identifier, $0) || s.arn == $0 } }
            case "snapshot-type": snapshots = snapshots.filter { values.contains($0.snapshotType) }
            case "engine": snapshots = snapshots.filter { values.contains($0.engine) }
            default: throw SimDenial.invalidParameter("Unrecognized filter name: \(filter.name)")
            }
        }
        return try SimPaging.page(snapshots.sorted { $0.identifier < $1.identifier }, key: \.identifier, maxRecords: size,
                                  marker: input.marker, invalidMarker: .invalidParameter("Invalid marker: \(input.marker ?? "")"))
    }

    /// DescribeDBInstances.
    func describeInstances(_ input: DescribeDBInstancesInput, _ context: SimContext) throws(SimDenial) -> Page<DBInstance> {
        let size = try SimPaging.rdsPageSize(input.maxRecords)
        let state = regions[context.scope] ?? RegionState()
        var instances = state.instances.values.map { model($0, state: state) }
        if let wanted = input.instanceIdentifier {
            instances = instances.filter { Self.sameID($0.identifier, wanted) || $0.arn == wanted }
            if instances.isEmpty { throw SimDenial.instanceNotFound(wanted) }
        }
        for filter in input.filters {
            switch filter.name {
            case "db-cluster-id":
                instances = instances.filter { i in
                    filter.values.contains { v in i.clusterIdentifier.map { Self.sameID($0, v) || SimARN.rds(context.scope.region, context.scope.account, "cluster", $0) == v } ?? false }
                }
            case "db-instance-id": instances = instances.filter { i in filter.values.contains { Self.sameID(i.identifier, $0) || i.arn == $0 } }
            case "engine": instances = instances.filter { filter.values.contains($0.engine) }
            default: throw SimDenial.invalidParameter("Unrecognized filter name: \(filter.name)")
            }
        }
        return try SimPaging.page(instances.sorted { $0.identifier < $1.identifier }, key: \.identifier, maxRecords: size,
                                  marker: input.marker, invalidMarker: .invalidParameter("Invalid marker: \(input.marker ?? "")"))
    }

    /// DescribeAccountAttributes: ManualClusterSnapshots, DBClusters, DBInstances (Used/Max).
    func accountQuotas(_ context: SimContext) -> [AccountQuota] {
        let state = regions[context.scope] ?? RegionState()
        return [
            AccountQuota(name: "DBClusters", used: Int64(state.clusters.count), max: Int64(state.quotas.dbClusters)),
            AccountQuota(name: "DBInstances", used: Int64(state.instances.count), max: Int64(state.quotas.dbInstances)),
            AccountQuota(name: "ManualClusterSnapshots", used: Int64(state.manualSnapshotCount),
                         max: Int64(state.quotas.manualClusterSnapshots)),
        ]
    }

    /// Manual snapshots of other accounts in the caller's region whose `restore` attribute names the caller.
    func sharedSnapshots(with context: SimContext) -> [SnapshotRecord] {
        regions.filter { $0.key.region == context.scope.region && $0.key.account != context.scope.account }
            .flatMap { $0.value.snapshots.values }
            .filter { $0.type == "manual" && ($0.sharedWith.contains(context.scope.account) || $0.sharedWith.contains("all")) }
    }

    /// Finds a snapshot by id (caller's own) or ARN (own, or shared with the caller).
    func resolveSnapshot(_ reference: String, _ context: SimContext, allowOtherRegion: Bool) throws(SimDenial) -> SnapshotRecord {
        guard reference.hasPrefix("arn:") else {
            guard let found = regions[context.scope]?.snapshots[reference.lowercased()] else { throw .snapshotNotFound(reference) }
            return found
        }
        guard let arn = SimARN(reference), arn.service == "rds", arn.resource.hasPrefix("cluster-snapshot:"),
              allowOtherRegion || arn.region == context.scope.region,
              let found = regions[SimScope(account: arn.account, region: arn.region)]?
                .snapshots[String(arn.resource.dropFirst("cluster-snapshot:".count)).lowercased()]
        else { throw .snapshotNotFound(reference) }
        if arn.account != context.scope.account {
            guard found.type == "manual",
                  found.sharedWith.contains(context.scope.account) || found.sharedWith.contains("all")
            else { throw .snapshotNotFound(reference) }
        }
        return found
    }

    /// Identifiers compare case-insensitively (RDS stores them lower-cased).
    static func sameID(_ a: String, _ b: String) -> Bool { a.caseInsensitiveCompare(b) == .orderedSame }

    private func clusterArn(_ snapshot: DBClusterSnapshot) -> String {
        guard let arn = SimARN(snapshot.arn) else { return "" }
        return SimARN.rds(arn.region, arn.account, "cluster", snapshot.clusterIdentifier)
    }
}
