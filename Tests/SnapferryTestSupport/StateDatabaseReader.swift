import Foundation

/// One row of the state database's `owned_snapshots` table.
public struct StateSnapshotRow: Sendable, Hashable, Decodable {
    /// Snapshot identifier (lower case).
    public var identifier: String
    /// Source name.
    public var source: String
    /// Account id.
    public var account: String
    /// `primary` or the shareable-copy role.
    public var role: String
    /// The primary a copy was made from.
    public var copied_from: String?
    /// Account ids the state database says the snapshot is shared with.
    public var shared_with: [String]
    /// Whether the record is closed (snapshot deleted or forgotten).
    public var deleted: Bool
}

/// Reads a snapferry state database with the venv's Python `sqlite3` module, independently
/// of snapferry's own store code, so tests compare what the product recorded with AWS.
public enum StateDatabaseReader {
    private static let script = """
        import json, sqlite3, sys
        db = sqlite3.connect(sys.argv[1])
        rows = db.execute("SELECT identifier, source, account, role, copied_from, shared_with, deleted_at FROM owned_snapshots").fetchall()
        print(json.dumps([{"identifier": r[0], "source": r[1], "account": r[2], "role": r[3], "copied_from": r[4],
                           "shared_with": json.loads(r[5] or "[]"), "deleted": r[6] is not None} for r in rows]))
        """

    /// Every `owned_snapshots` row of the database at `path`, sorted by identifier.
    public static func ownedSnapshots(path: String) async throws -> [StateSnapshotRow] {
        let result = try await CommandRunner.run(TestPaths.python, ["-c", script, path], timeout: .seconds(30))
        guard result.status == 0 else {
            throw PeerError(message: "reading \(path) failed (exit \(result.status)): \(result.stderr.suffix(1000))")
        }
        return try JSONDecoder().decode([StateSnapshotRow].self, from: Data(result.stdout.utf8)).sorted { $0.identifier < $1.identifier }
    }

    /// Runs one SQL statement with parameters against the database at `path` (to stage a crash window).
    public static func execute(path: String, sql: String, parameters: [String]) async throws {
        let code = "import sqlite3, sys\ndb = sqlite3.connect(sys.argv[1])\ndb.execute(sys.argv[2], sys.argv[3:])\ndb.commit()\n"
        let result = try await CommandRunner.run(TestPaths.python, ["-c", code, path, sql] + parameters, timeout: .seconds(30))
        guard result.status == 0 else {
            throw PeerError(message: "SQL on \(path) failed (exit \(result.status)): \(result.stderr.suffix(1000))")
        }
    }
}
