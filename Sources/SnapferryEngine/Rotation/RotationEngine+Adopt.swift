import AWSKit
import Foundation
import SnapferryConfig
import SnapferryCore
import SnapferryStore

extension RotationEngine {
    /// Snapshots of `source` that carry this fleet's tags and a snapferry name but have no state
    /// record — what a lost or moved state file leaves behind; retention does not own them.
    public func unrecordedSnapshots(_ sourceName: String, at now: Date) async throws -> [DBClusterSnapshot] {
        guard let source = config.source(named: sourceName) else { return [] }
        let observed = await observer.observe([source], at: now, cache: RunCache())
        let observation = try (observed[source.name] ?? .success(SourceObservation(cluster: nil, snapshots: []))).get()
        let owned = Set(try await store.ownedSnapshots(source: source.name).map(\.identifier))
        return observation.snapshots.filter {
            !owned.contains($0.identifier.lowercased()) && ManagedTags.carries($0.tags, fleet: config.fleet, source: source.name)
                && SnapshotName(parsing: $0.identifier, source: source.name) != nil && $0.snapshotType == "manual"
        }.sorted { $0.identifier < $1.identifier }
    }

    /// Records `snapshots` as owned by `sourceName` (role, slot and copy source from the name, the
    /// accounts each is shared with from AWS), so retention owns them again. Returns the records.
    public func adopt(_ sourceName: String, snapshots: [DBClusterSnapshot]) async throws -> [OwnedSnapshot] {
        guard let source = config.source(named: sourceName), let account = config.account(named: source.account) else { return [] }
        let rds = aws.rds(account, region: source.region)
        var records: [OwnedSnapshot] = []
        for snapshot in snapshots {
            guard let name = SnapshotName(parsing: snapshot.identifier, source: source.name) else { continue }
            let shared = try await rds.describeDBClusterSnapshotAttributes(identifier: snapshot.identifier)
                .first { $0.name == "restore" }?.values ?? []
            let record = OwnedSnapshot(identifier: snapshot.identifier, source: source.name, account: account.id,
                                       region: source.region, slot: name.slot, role: name.shareCopy == nil ? .primary : .shareCopy,
                                       copiedFrom: name.shareCopy == nil ? nil : name.primary.description,
                                       arn: snapshot.status == "available" ? snapshot.arn : nil, kmsKeyId: snapshot.kmsKeyId,
                                       sharedWith: shared.filter { $0 != "all" }, createdAt: wallNow())
            try await store.recordSnapshot(record)
            try await store.appendAudit(AuditEntry(at: wallNow(), action: "adopt", subject: snapshot.identifier, account: account.id,
                                                   region: source.region, detail: "recorded as \(record.role.rawValue) of \(source.name)"))
            records.append(record)
        }
        return records
    }
}
