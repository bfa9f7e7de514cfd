import AWSKit
import SnapferryCore

/// A source's observed snapshots, indexed once per plan: by lower-cased identifier, and the
/// snapferry name each identifier parses to. The planner looks up carriers and names of every
/// snapshot several times per pass; over 10,000 source × account pairs, re-scanning and
/// re-parsing was most of a pass.
struct ObservedSnapshots {
    private var byID: [String: DBClusterSnapshot] = [:]
    private var names: [String: SnapshotName] = [:]

    init(_ snapshots: [DBClusterSnapshot], source: String) {
        byID.reserveCapacity(snapshots.count)
        for snapshot in snapshots {
            let id = Self.key(snapshot.identifier)
            // The first of two identifiers that differ only in case, as `SourceObservation.snapshot(_:)`.
            if byID[id] == nil { byID[id] = snapshot }
            if names[id] == nil, let name = SnapshotName(parsing: id, source: source) { names[id] = name }
        }
    }

    func snapshot(_ id: String) -> DBClusterSnapshot? { byID[Self.key(id)] }

    /// The name `snapshot` parses to for this source, nil for identifiers snapferry never makes.
    func name(of snapshot: DBClusterSnapshot) -> SnapshotName? { names[Self.key(snapshot.identifier)] }

    static func key(_ id: String) -> String { SnapshotName.lowercasedIdentifier(id) }
}
