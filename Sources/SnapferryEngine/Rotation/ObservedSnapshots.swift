import AWSKit
import SnapferryCore

/// A source's observed snapshots, indexed once per plan: by lower-cased identifier, with the
/// snapferry name each identifier parses to. The planner looks up carriers and names of every
/// snapshot several times per pass; over 10,000 source × account pairs, re-scanning and
/// re-parsing was most of a pass.
struct ObservedSnapshots {
    private let snapshots: [DBClusterSnapshot]
    /// Positions in `snapshots`, not copies: a snapshot is a dozen reference-counted fields.
    private var byID: [String: (index: Int, name: SnapshotName?)] = [:]

    init(_ snapshots: [DBClusterSnapshot], source: String) {
        self.snapshots = snapshots
        byID.reserveCapacity(snapshots.count)
        let source = SnapshotName.lowercasedIdentifier(source)
        for (index, snapshot) in snapshots.enumerated() {
            let id = snapshot.identifier.lowercasedID
            // The first of two identifiers that differ only in case, as `SourceObservation.snapshot(_:)`.
            if byID[id] == nil { byID[id] = (index, SnapshotName(parsing: id, source: source)) }
        }
    }

    func snapshot(_ id: String) -> DBClusterSnapshot? { byID[id.lowercasedID].map { snapshots[$0.index] } }

    /// The name `snapshot` parses to for this source, nil for identifiers snapferry never makes.
    func name(of snapshot: DBClusterSnapshot) -> SnapshotName? { byID[snapshot.identifier.lowercasedID]?.name }
}

extension String {
    /// `lowercased()` without a copy when the identifier is lower case already (RDS's identifiers
    /// and ARNs nearly always are): planners lower-case every identifier they compare, many times a pass.
    var lowercasedID: String { SnapshotName.lowercasedIdentifier(self) }
}
