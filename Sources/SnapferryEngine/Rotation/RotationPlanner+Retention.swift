import AWSKit
import Foundation
import SnapferryCore

extension RotationPlanner {
    /// Applies the source's retention to the slots that count (usable, not newer than the last
    /// complete one) and turns removals into deletions of each primary and its shareable copies,
    /// through `DeletionSafety`. Nothing is removed before some slot is complete.
    static func retentionPlan(_ input: RotationInput, counted: [SlotState], lastComplete: SlotState?,
                              ours: [DBClusterSnapshot], index: ObservedSnapshots, safety: DeletionSafety)
        -> (deletions: [RotationAction], kept: [(id: String, reasons: [String])]) {
        guard let lastComplete else {
            return ([], counted.map { (id: $0.id, reasons: ["no slot is complete yet; nothing is pruned"]) })
        }
        let source = input.source
        let items = counted.map { RetentionItem(id: $0.id, time: $0.slot) }
        let decision = applyRetention(items, policy: source.retention, now: input.now, timeZone: source.timeZone)
        let kept = decision.keep.map { entry -> (id: String, reasons: [String]) in
            let reasons = entry.reasons.map(\.description)
            return (id: entry.item.id, reasons: entry.item.id == lastComplete.id ? ["last complete slot"] + reasons : reasons)
        }
        var deletions: [RotationAction] = []
        for removed in decision.remove {
            deletions += slotDeletions(removed.id, ours: ours, index: index, safety: safety,
                                       reason: "not kept by retention (\(describe(source.retention)))")
        }
        return (deletions, kept)
    }

    /// Deletions of a slot's shareable copies, then of its primary when every copy can go too
    /// (a copy in flight keeps its source).
    static func slotDeletions(_ primaryID: String, ours: [DBClusterSnapshot], index: ObservedSnapshots, safety: DeletionSafety,
                              reason: String) -> [RotationAction] {
        let primaryID = primaryID.lowercasedID
        let copies = ours.filter {
            guard let name = index.name(of: $0) else { return false }
            return name.shareCopy != nil && name.primary.description == primaryID
        }
        var deletions: [RotationAction] = []
        var allCopiesGo = true
        for copy in copies {
            if safety.mayDelete(copy) == nil {
                deletions.append(.delete(id: copy.identifier, reason: "shareable copy of \(primaryID), which retention removes"))
            } else {
                allCopiesGo = false
            }
        }
        if allCopiesGo, let primary = ours.first(where: { $0.identifier.lowercasedID == primaryID }), safety.mayDelete(primary) == nil {
            deletions.append(.delete(id: primary.identifier, reason: reason))
        }
        return deletions
    }

    /// Under quota pressure: what retention would remove if the slot being created already counted,
    /// minus the last complete slot, minus what is already being deleted.
    static func pressureDeletions(_ input: RotationInput, counted: [SlotState], lastComplete: SlotState?, slot: Date?,
                                  ours: [DBClusterSnapshot], index: ObservedSnapshots, safety: DeletionSafety, already: Set<String>,
                                  quota: AccountQuota) -> [RotationAction] {
        guard let slot, let lastComplete else { return [] }
        let pending = "\u{0}pending"
        let items = counted.map { RetentionItem(id: $0.id, time: $0.slot) } + [RetentionItem(id: pending, time: slot)]
        let decision = applyRetention(items, policy: input.source.retention, now: input.now, timeZone: input.source.timeZone)
        var deletions: [RotationAction] = []
        for removed in decision.remove where removed.id != lastComplete.id && removed.id != pending && !already.contains(removed.id) {
            deletions += slotDeletions(removed.id, ours: ours, index: index, safety: safety,
                                       reason: "early, to make room under the ManualClusterSnapshots quota (\(quota.used) of \(quota.max)); retention removes it once the new slot counts")
        }
        return deletions.filter { !already.contains($0.deletedID ?? "") }
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
