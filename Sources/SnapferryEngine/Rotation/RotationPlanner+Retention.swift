import AWSKit
import Foundation
import SnapferryCore

extension RotationPlanner {
    /// Applies the source's retention to its owned primaries and turns removals into
    /// deletions of each primary and its shareable copies, through `DeletionSafety`.
    static func retentionPlan(_ input: RotationInput, primaries: [DBClusterSnapshot], ours: [DBClusterSnapshot],
                              current: DBClusterSnapshot?) -> (deletions: [RotationAction], kept: [(id: String, reasons: [String])]) {
        let source = input.source
        let items = primaries.compactMap { s -> RetentionItem? in
            guard s.status == "available", let name = SnapshotName(parsing: s.identifier, source: source.name) else { return nil }
            return RetentionItem(id: s.identifier, time: name.slot)
        }
        let decision = applyRetention(items, policy: source.retention, now: input.now, timeZone: source.timeZone)
        let kept = decision.keep.map { (id: $0.item.id, reasons: $0.reasons.map(\.description)) }
        let safety = DeletionSafety(fleet: input.fleet, source: source.name, policy: source.retention,
                                    owned: Set(input.owned.map(\.identifier)), newestAvailable: current?.identifier,
                                    inFlight: input.inFlight, snapshots: ours)
        var deletions: [RotationAction] = []
        for removed in decision.remove {
            let copies = ours.filter {
                SnapshotName(parsing: $0.identifier, source: source.name).map { $0.shareCopy != nil && $0.primary.description == removed.id.lowercased() } ?? false
            }
            // Copies go first; the primary only when every copy could go too (a copy in flight keeps its source).
            var allCopiesGo = true
            for copy in copies {
                if safety.mayDelete(copy) == nil {
                    deletions.append(.delete(id: copy.identifier, reason: "shareable copy of \(removed.id), which retention removes"))
                } else {
                    allCopiesGo = false
                }
            }
            if allCopiesGo, let primary = ours.first(where: { $0.identifier == removed.id }), safety.mayDelete(primary) == nil {
                deletions.append(.delete(id: primary.identifier, reason: "not kept by retention (\(describe(source.retention)))"))
            }
        }
        return (deletions, kept)
    }

    static func describe(_ p: RetentionPolicy) -> String {
        var parts: [String] = []
        func add(_ name: String, _ c: RetentionCount?) {
            switch c {
            case .count(let n)?: parts.append("\(name) \(n)")
            case .unlimited?: parts.append("\(name) unlimited")
            case nil: break
            }
        }
        add("keep_last", p.last); add("keep_hourly", p.hourly); add("keep_daily", p.daily)
        add("keep_weekly", p.weekly); add("keep_monthly", p.monthly); add("keep_yearly", p.yearly)
        if let w = p.within { parts.append("keep_within \(formatFleetDuration(w))") }
        return parts.joined(separator: ", ")
    }
}
