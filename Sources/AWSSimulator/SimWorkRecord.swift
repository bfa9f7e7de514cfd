import Foundation

/// One stretch of AWS-side work the world timed: a snapshot being created or copied, a cluster
/// restored, an instance created, something renamed or deleted. The benchmark reads these to
/// compute how long a fleet must take at least, from the durations AWS itself spent.
public struct SimWorkRecord: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case snapshot, copy, restore, instance, renameCluster, renameInstance, deleteInstance, deleteCluster
    }
    public var kind: Kind
    public var account: String
    public var region: String
    /// The resource's identifier when the work began (a rename records the new name).
    public var id: String
    public var start: Date
    public var end: Date
    /// For a copy, the copied snapshot's identifier; for a restore, the snapshot restored from.
    public var from: String?

    public var seconds: Double { end.timeIntervalSince(start) }

    public init(kind: Kind, account: String, region: String, id: String, start: Date, end: Date, from: String? = nil) {
        self.kind = kind; self.account = account; self.region = region; self.id = id
        self.start = start; self.end = end; self.from = from
    }
}

extension SimWorld {
    /// Every timed piece of work since the world was built (or reset), in the order it began.
    public func work() -> [SimWorkRecord] { workLog }

    func logWork(_ kind: SimWorkRecord.Kind, _ scope: SimScope, id: String, start: Date, end: Date, from: String? = nil) {
        workLog.append(SimWorkRecord(kind: kind, account: scope.account, region: scope.region, id: id,
                                     start: start, end: end, from: from))
    }
}
