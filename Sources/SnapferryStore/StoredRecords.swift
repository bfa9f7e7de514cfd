import Foundation
import GRDB

// How records are normalised for storage and read back from rows. Both stores normalise the
// same way, so `MemoryStateStore` returns exactly what `SQLiteStateStore` would.

extension OperationRecord {
    /// The record as a store keeps it: dates rounded to the millisecond.
    var normalizedForStore: OperationRecord {
        var copy = self
        copy.createdAt = StoredTime.normalized(createdAt)
        copy.updatedAt = StoredTime.normalized(updatedAt)
        return copy
    }

    /// Reads an `operations` row.
    init(row: Row) throws {
        let stateText: String = try row.decode(forColumn: "state")
        guard let state = OperationState(rawValue: stateText) else {
            throw StateStoreError.corruptRow(table: "operations", detail: "unknown state \"\(stateText)\"")
        }
        self.init(
            id: try row.decode(forColumn: "id"), kind: try row.decode(forColumn: "kind"),
            subject: try row.decode(forColumn: "subject"), source: try row.decode(forColumn: "source"),
            account: try row.decode(forColumn: "account"), region: try row.decode(forColumn: "region"),
            state: state, attempts: try row.decode(forColumn: "attempts"),
            createdAt: StoredTime.date(try row.decode(forColumn: "created_at")),
            updatedAt: StoredTime.date(try row.decode(forColumn: "updated_at")),
            error: try row.decode(forColumn: "error"), detail: try row.decode(forColumn: "detail"))
    }
}

extension OwnedSnapshot {
    /// The record as a store keeps it: identifiers lower-cased, dates rounded to the millisecond,
    /// `sharedWith` sorted without duplicates.
    var normalizedForStore: OwnedSnapshot {
        var copy = self
        copy.identifier = identifier.lowercased()
        copy.copiedFrom = copiedFrom?.lowercased()
        copy.slot = StoredTime.normalized(slot)
        copy.createdAt = StoredTime.normalized(createdAt)
        copy.deletedAt = deletedAt.map(StoredTime.normalized)
        copy.sharedWith = Self.normalizedShares(sharedWith)
        return copy
    }

    /// Accounts as stored: sorted, without duplicates.
    static func normalizedShares(_ accounts: [String]) -> [String] {
        Array(Set(accounts)).sorted()
    }

    /// `sharedWith` as the JSON text of the `shared_with` column.
    static func sharesJSON(_ accounts: [String]) throws -> String {
        let data = try JSONEncoder().encode(normalizedShares(accounts))
        return String(decoding: data, as: UTF8.self)
    }

    /// Reads an `owned_snapshots` row.
    init(row: Row) throws {
        let roleText: String = try row.decode(forColumn: "role")
        guard let role = Role(rawValue: roleText) else {
            throw StateStoreError.corruptRow(table: "owned_snapshots", detail: "unknown role \"\(roleText)\"")
        }
        let sharesText: String = try row.decode(forColumn: "shared_with")
        let shares: [String]
        do {
            shares = try JSONDecoder().decode([String].self, from: Data(sharesText.utf8))
        } catch {
            throw StateStoreError.corruptRow(table: "owned_snapshots", detail: "shared_with is not a JSON array of strings")
        }
        let deletedMillis: Int64? = try row.decode(forColumn: "deleted_at")
        self.init(
            identifier: try row.decode(forColumn: "identifier"), source: try row.decode(forColumn: "source"),
            account: try row.decode(forColumn: "account"), region: try row.decode(forColumn: "region"),
            slot: StoredTime.date(try row.decode(forColumn: "slot")), role: role,
            copiedFrom: try row.decode(forColumn: "copied_from"), arn: try row.decode(forColumn: "arn"),
            kmsKeyId: try row.decode(forColumn: "kms_key_id"), sharedWith: shares,
            createdAt: StoredTime.date(try row.decode(forColumn: "created_at")),
            deletedAt: deletedMillis.map(StoredTime.date))
    }
}

extension AuditEntry {
    /// The entry as a store keeps it: its date rounded to the millisecond.
    var normalizedForStore: AuditEntry {
        var copy = self
        copy.at = StoredTime.normalized(at)
        return copy
    }

    /// Reads an `audit` row.
    init(row: Row) throws {
        self.init(
            at: StoredTime.date(try row.decode(forColumn: "at")), action: try row.decode(forColumn: "action"),
            subject: try row.decode(forColumn: "subject"), account: try row.decode(forColumn: "account"),
            region: try row.decode(forColumn: "region"), detail: try row.decode(forColumn: "detail"))
    }
}
