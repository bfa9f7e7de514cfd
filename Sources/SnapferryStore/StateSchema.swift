import GRDB

/// The SQLite schema of the state database, as GRDB migrations. Migrations are append-only:
/// never edit a registered one, add `v2`, `v3`, … instead.
///
/// Dates are INTEGER milliseconds since 1970 (see `StoredTime`); `shared_with` is a JSON array
/// of account ids. No table has a column for a credential, and none may get one.
enum StateSchema {
    /// Every migration, in order.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE operations (
                    id         TEXT    NOT NULL PRIMARY KEY,
                    kind       TEXT    NOT NULL,
                    subject    TEXT    NOT NULL,
                    source     TEXT    NOT NULL,
                    account    TEXT    NOT NULL,
                    region     TEXT    NOT NULL,
                    state      TEXT    NOT NULL,
                    attempts   INTEGER NOT NULL,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    error      TEXT,
                    detail     TEXT
                );
                CREATE INDEX operations_by_source ON operations(source, updated_at);
                CREATE INDEX operations_by_state ON operations(state, updated_at);
                CREATE INDEX operations_by_updated ON operations(updated_at);

                CREATE TABLE owned_snapshots (
                    identifier    TEXT    NOT NULL,
                    source        TEXT    NOT NULL,
                    account       TEXT    NOT NULL,
                    region        TEXT    NOT NULL,
                    slot          INTEGER NOT NULL,
                    role          TEXT    NOT NULL,
                    copied_from   TEXT,
                    arn           TEXT,
                    kms_key_id    TEXT,
                    shared_with   TEXT    NOT NULL DEFAULT '[]',
                    shares_set_at INTEGER,
                    created_at    INTEGER NOT NULL,
                    deleted_at    INTEGER,
                    UNIQUE (account, region, identifier)
                );
                CREATE INDEX owned_snapshots_by_source ON owned_snapshots(source, slot);

                CREATE TABLE audit (
                    id      INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
                    at      INTEGER NOT NULL,
                    action  TEXT    NOT NULL,
                    subject TEXT    NOT NULL,
                    account TEXT    NOT NULL,
                    region  TEXT    NOT NULL,
                    detail  TEXT    NOT NULL
                );
                CREATE INDEX audit_by_time ON audit(at);
                """)
        }
        return migrator
    }
}
