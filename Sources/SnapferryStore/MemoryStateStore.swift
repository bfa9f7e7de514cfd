import Foundation

/// A `StateStore` in memory, for tests. Same semantics as `SQLiteStateStore`, including
/// millisecond dates, lower-cased identifiers, sorted shares, orderings and errors.
public actor MemoryStateStore: StateStore {
    private struct SnapshotKey: Hashable {
        var account: String
        var region: String
        var identifier: String
    }

    private var operationsById: [String: OperationRecord] = [:]
    private var snapshots: [SnapshotKey: OwnedSnapshot] = [:]
    private var auditLog: [AuditEntry] = []

    /// Creates an empty store.
    public init() {}

    /// Inserts a new operation with `attempts` 1, or marks an existing one `running` with
    /// `attempts + 1`, the record's `updatedAt` and no error. Returns the stored record.
    public func beginOperation(_ operation: OperationRecord) async throws -> OperationRecord {
        let record = operation.normalizedForStore
        if var existing = operationsById[record.id] {
            existing.state = .running
            existing.attempts += 1
            existing.updatedAt = record.updatedAt
            existing.error = nil
            operationsById[record.id] = existing
            return existing
        }
        var inserted = record
        inserted.attempts = 1
        operationsById[record.id] = inserted
        return inserted
    }

    /// Sets the state, error (nil clears it) and `updatedAt` of a begun operation.
    /// Throws `StateStoreError.unknownOperation` if it was never begun.
    public func finishOperation(id: String, state: OperationState, error: String?, at: Date) async throws {
        guard var record = operationsById[id] else { throw StateStoreError.unknownOperation(id: id) }
        record.state = state
        record.error = error
        record.updatedAt = StoredTime.normalized(at)
        operationsById[id] = record
    }

    /// Replaces an operation's detail.
    public func setOperationDetail(id: String, detail: String, at: Date) async throws {
        guard var record = operationsById[id] else { throw StateStoreError.unknownOperation(id: id) }
        record.detail = detail
        record.updatedAt = StoredTime.normalized(at)
        operationsById[id] = record
    }

    /// One operation by id.
    public func operation(id: String) async throws -> OperationRecord? {
        operationsById[id]
    }

    /// At most `limit` operations, newest `updatedAt` first (ties by id), filtered by state and source.
    /// An empty `states` set or a `limit` below 1 matches nothing.
    public func operations(states: Set<OperationState>?, source: String?, limit: Int) async throws -> [OperationRecord] {
        if limit < 1 { return [] }
        let matching = operationsById.values.filter { record in
            (states?.contains(record.state) ?? true) && (source.map { $0 == record.source } ?? true)
        }
        let sorted = matching.sorted { lhs, rhs in
            lhs.updatedAt != rhs.updatedAt ? lhs.updatedAt > rhs.updatedAt : lhs.id < rhs.id
        }
        return Array(sorted.prefix(limit))
    }

    /// Inserts or replaces an owned snapshot keyed by (account, region, identifier); a replaced
    /// record keeps its first `createdAt`.
    public func recordSnapshot(_ snapshot: OwnedSnapshot) async throws {
        var record = snapshot.normalizedForStore
        let key = SnapshotKey(account: record.account, region: record.region, identifier: record.identifier)
        if let existing = snapshots[key] {
            record.createdAt = existing.createdAt
        }
        snapshots[key] = record
    }

    /// Marks an owned snapshot deleted; a second call keeps the first deletion time.
    /// Throws `StateStoreError.unknownSnapshot` if it was never recorded.
    public func markSnapshotDeleted(account: String, region: String, identifier: String, at: Date) async throws {
        let key = SnapshotKey(account: account, region: region, identifier: identifier.lowercased())
        guard var record = snapshots[key] else {
            throw StateStoreError.unknownSnapshot(account: account, region: region, identifier: key.identifier)
        }
        record.deletedAt = record.deletedAt ?? StoredTime.normalized(at)
        snapshots[key] = record
    }

    /// Replaces the accounts an owned snapshot is shared with (stored sorted, without duplicates).
    /// Throws `StateStoreError.unknownSnapshot` if it was never recorded.
    public func setShares(account: String, region: String, identifier: String, sharedWith: [String],
                          at: Date) async throws {
        let key = SnapshotKey(account: account, region: region, identifier: identifier.lowercased())
        guard var record = snapshots[key] else {
            throw StateStoreError.unknownSnapshot(account: account, region: region, identifier: key.identifier)
        }
        record.sharedWith = OwnedSnapshot.normalizedShares(sharedWith)
        snapshots[key] = record
    }

    /// Owned, not deleted snapshots, optionally of one source, by slot then identifier
    /// (then account and region).
    public func ownedSnapshots(source: String?) async throws -> [OwnedSnapshot] {
        snapshots.values
            .filter { record in record.deletedAt == nil && (source.map { $0 == record.source } ?? true) }
            .sorted { lhs, rhs in
                (lhs.slot, lhs.identifier, lhs.account, lhs.region) < (rhs.slot, rhs.identifier, rhs.account, rhs.region)
            }
    }

    /// Appends an audit entry.
    public func appendAudit(_ entry: AuditEntry) async throws {
        auditLog.append(entry.normalizedForStore)
    }

    /// At most `limit` entries, newest `at` first; entries with the same time newest-appended first.
    public func audit(limit: Int) async throws -> [AuditEntry] {
        if limit < 1 { return [] }
        let newestAppendedFirst = Array(auditLog.reversed())
        let sorted = newestAppendedFirst.enumerated().sorted { lhs, rhs in
            lhs.element.at != rhs.element.at ? lhs.element.at > rhs.element.at : lhs.offset < rhs.offset
        }
        return sorted.prefix(limit).map(\.element)
    }
}
