import Foundation
import GRDB

/// The production `StateStore`: one SQLite file (mode 0600) in WAL mode through a GRDB
/// `DatabasePool`, with `synchronous = FULL` so an acknowledged journal write survives a crash
/// or power loss. Every method is one transaction and runs off the cooperative pool.
///
/// Several instances (or processes) may open the same file; writers wait up to
/// `busyTimeout` for each other.
public final class SQLiteStateStore: StateStore {
    /// How long a write waits for another writer before failing.
    public static let busyTimeout: TimeInterval = 10

    private let path: String
    private let pool: DatabasePool
    public let writeHealth: StateWriteHealth? = StateWriteHealth()

    /// Opens (creating if needed) the state database at `path`: creates its directory, sets
    /// mode 0600 on the file and its `-wal`/`-shm` files, and applies pending migrations.
    /// Throws `StateStoreError.cannotOpen` with a reason the operator can act on.
    /// Blocks while opening and migrating: call it at startup, not from a busy task.
    public init(path: String) throws(StateStoreError) {
        self.path = path
        try StateFile.prepare(path: path)
        var configuration = Configuration()
        configuration.busyMode = .timeout(Self.busyTimeout)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            // DatabasePool sets NORMAL on its writer after `prepareDatabase`; the writer is the
            // pool's one long-lived writing connection, so FULL set here holds for its lifetime.
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            try StateSchema.migrator.migrate(pool)
        } catch {
            throw .cannotOpen(path: path, reason: StateFile.reason(for: error))
        }
        try StateFile.restrictCompanions(of: path)
    }

    /// `pool.write`, with refusals by the file system turned into `StateStoreError.cannotWrite` and
    /// recorded in `writeHealth`.
    private func write<T: Sendable>(_ updates: @Sendable @escaping (Database) throws -> T) async throws -> T {
        do {
            let value = try await pool.write(updates)
            writeHealth?.succeeded()
            return value
        } catch let error as DatabaseError {
            guard let reason = StateFile.writeRefusal(error) else { throw error }
            writeHealth?.failed(reason)
            throw StateStoreError.cannotWrite(path: path, reason: reason)
        }
    }

    /// Sets `user_version` to the value it has (GRDB's migrations do not use it): SQLite writes the
    /// header page to the WAL all the same, so a full disk or read-only file system refuses it as it
    /// would a journal entry.
    public func probeWrite() async {
        _ = try? await write { db in
            let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
            try db.execute(sql: "PRAGMA user_version = \(version)")
        }
    }

    /// The identifiers of the applied migrations, oldest first (e.g. `["v1"]`).
    public func schemaVersion() async throws -> [String] {
        try await pool.read { db in try StateSchema.migrator.appliedMigrations(db) }
    }

    /// Closes the database. Later calls fail. Optional: the store also closes when released.
    public func close() throws {
        try pool.close()
    }

    /// The journal mode in effect (`wal` for a healthy store).
    public func journalMode() async throws -> String {
        try await pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
    }

    /// The `synchronous` setting of the writer connection (2 is FULL).
    public func synchronousLevel() async throws -> Int {
        try await write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    /// Every table's column names, by table (SQLite and GRDB bookkeeping tables excluded).
    public func schemaColumns() async throws -> [String: [String]] {
        try await pool.read { db in
            let tables = try String.fetchAll(db, sql: """
                SELECT name FROM sqlite_master WHERE type = 'table'
                AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%'
                """)
            var columns: [String: [String]] = [:]
            for table in tables {
                columns[table] = try db.columns(in: table).map(\.name)
            }
            return columns
        }
    }

    // MARK: Operations

    /// Inserts a new operation with `attempts` 1, or marks an existing one `running` with
    /// `attempts + 1`, the record's `updatedAt` and no error. Returns the stored record.
    public func beginOperation(_ operation: OperationRecord) async throws -> OperationRecord {
        let record = operation.normalizedForStore
        return try await write { db in
            if let row = try Row.fetchOne(db, sql: "SELECT * FROM operations WHERE id = ?", arguments: [record.id]) {
                var existing = try OperationRecord(row: row)
                existing.state = .running
                existing.attempts += 1
                existing.updatedAt = record.updatedAt
                existing.error = nil
                try db.execute(
                    sql: "UPDATE operations SET state = ?, attempts = ?, updated_at = ?, error = NULL WHERE id = ?",
                    arguments: [existing.state.rawValue, existing.attempts, StoredTime.millis(existing.updatedAt),
                                existing.id])
                return existing
            }
            var inserted = record
            inserted.attempts = 1
            try db.execute(
                sql: """
                    INSERT INTO operations (id, kind, subject, source, account, region, state, attempts,
                                            created_at, updated_at, error, detail)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [inserted.id, inserted.kind, inserted.subject, inserted.source, inserted.account,
                            inserted.region, inserted.state.rawValue, inserted.attempts,
                            StoredTime.millis(inserted.createdAt), StoredTime.millis(inserted.updatedAt),
                            inserted.error, inserted.detail])
            return inserted
        }
    }

    /// Sets the state, error (nil clears it) and `updatedAt` of a begun operation.
    /// Throws `StateStoreError.unknownOperation` if it was never begun.
    public func finishOperation(id: String, state: OperationState, error: String?, at: Date) async throws {
        try await write { db in
            try db.execute(
                sql: "UPDATE operations SET state = ?, error = ?, updated_at = ? WHERE id = ?",
                arguments: [state.rawValue, error, StoredTime.millis(at), id])
            if db.changesCount == 0 { throw StateStoreError.unknownOperation(id: id) }
        }
    }

    /// Replaces an operation's detail.
    public func setOperationDetail(id: String, detail: String, at: Date) async throws {
        try await write { db in
            try db.execute(sql: "UPDATE operations SET detail = ?, updated_at = ? WHERE id = ?",
                           arguments: [detail, StoredTime.millis(at), id])
            if db.changesCount == 0 { throw StateStoreError.unknownOperation(id: id) }
        }
    }

    /// One operation by id.
    public func operation(id: String) async throws -> OperationRecord? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM operations WHERE id = ?", arguments: [id])
                .map(OperationRecord.init(row:))
        }
    }

    /// At most `limit` operations, newest `updatedAt` first (ties by id), filtered by state and source.
    /// An empty `states` set or a `limit` below 1 matches nothing.
    public func operations(states: Set<OperationState>?, source: String?, limit: Int) async throws -> [OperationRecord] {
        if limit < 1 || states?.isEmpty == true { return [] }
        var clauses: [String] = []
        var arguments = StatementArguments()
        if let states {
            let sorted = states.map(\.rawValue).sorted()
            clauses.append("state IN (" + sorted.map { _ in "?" }.joined(separator: ", ") + ")")
            arguments += StatementArguments(sorted)
        }
        if let source {
            clauses.append("source = ?")
            arguments += [source]
        }
        arguments += [limit]
        let filter = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        let sql = "SELECT * FROM operations \(filter) ORDER BY updated_at DESC, id ASC LIMIT ?"
        let finalArguments = arguments
        return try await pool.read { db in
            try Row.fetchAll(db, sql: sql, arguments: finalArguments).map(OperationRecord.init(row:))
        }
    }

    // MARK: Owned snapshots

    /// Inserts or replaces an owned snapshot keyed by (account, region, identifier); a replaced
    /// row keeps its first `createdAt`.
    public func recordSnapshot(_ snapshot: OwnedSnapshot) async throws {
        let record = snapshot.normalizedForStore
        let shares = try OwnedSnapshot.sharesJSON(record.sharedWith)
        try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO owned_snapshots (identifier, source, account, region, slot, role, copied_from, arn,
                                                 kms_key_id, shared_with, created_at, deleted_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (account, region, identifier) DO UPDATE SET
                        source = excluded.source, slot = excluded.slot, role = excluded.role,
                        copied_from = excluded.copied_from, arn = excluded.arn, kms_key_id = excluded.kms_key_id,
                        shared_with = excluded.shared_with, deleted_at = excluded.deleted_at
                    """,
                arguments: [record.identifier, record.source, record.account, record.region,
                            StoredTime.millis(record.slot), record.role.rawValue, record.copiedFrom, record.arn,
                            record.kmsKeyId, shares, StoredTime.millis(record.createdAt),
                            record.deletedAt.map(StoredTime.millis)])
        }
    }

    /// Marks an owned snapshot deleted; a second call keeps the first deletion time.
    /// Throws `StateStoreError.unknownSnapshot` if it was never recorded.
    public func markSnapshotDeleted(account: String, region: String, identifier: String, at: Date) async throws {
        let key = identifier.lowercased()
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE owned_snapshots SET deleted_at = COALESCE(deleted_at, ?)
                    WHERE account = ? AND region = ? AND identifier = ?
                    """,
                arguments: [StoredTime.millis(at), account, region, key])
            if db.changesCount == 0 {
                throw StateStoreError.unknownSnapshot(account: account, region: region, identifier: key)
            }
        }
    }

    /// Replaces the accounts an owned snapshot is shared with (stored sorted, without duplicates).
    /// Throws `StateStoreError.unknownSnapshot` if it was never recorded.
    public func setShares(account: String, region: String, identifier: String, sharedWith: [String],
                          at: Date) async throws {
        let key = identifier.lowercased()
        let shares = try OwnedSnapshot.sharesJSON(sharedWith)
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE owned_snapshots SET shared_with = ?, shares_set_at = ?
                    WHERE account = ? AND region = ? AND identifier = ?
                    """,
                arguments: [shares, StoredTime.millis(at), account, region, key])
            if db.changesCount == 0 {
                throw StateStoreError.unknownSnapshot(account: account, region: region, identifier: key)
            }
        }
    }

    /// Owned, not deleted snapshots, optionally of one source, by slot then identifier
    /// (then account and region).
    public func ownedSnapshots(source: String?) async throws -> [OwnedSnapshot] {
        let filter = source == nil ? "" : "AND source = ?"
        let arguments: StatementArguments = source.map { [$0] } ?? []
        return try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM owned_snapshots WHERE deleted_at IS NULL \(filter)
                    ORDER BY slot ASC, identifier ASC, account ASC, region ASC
                    """,
                arguments: arguments
            ).map(OwnedSnapshot.init(row:))
        }
    }

    // MARK: Audit

    /// Appends an audit entry.
    public func appendAudit(_ entry: AuditEntry) async throws {
        let record = entry.normalizedForStore
        try await write { db in
            try db.execute(
                sql: "INSERT INTO audit (at, action, subject, account, region, detail) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [StoredTime.millis(record.at), record.action, record.subject, record.account,
                            record.region, record.detail])
        }
    }

    /// At most `limit` entries, newest `at` first; entries with the same time newest-appended first.
    public func audit(limit: Int) async throws -> [AuditEntry] {
        if limit < 1 { return [] }
        return try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM audit ORDER BY at DESC, id DESC LIMIT ?", arguments: [limit])
                .map(AuditEntry.init(row:))
        }
    }
}
