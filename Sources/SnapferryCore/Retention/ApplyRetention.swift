import Foundation

/// Decides which snapshots a retention policy keeps, with the semantics of restic's
/// `ApplyPolicy` (restic/restic: internal/data/snapshot_policy.go).
///
/// - Snapshots are sorted newest first; ties by `id`, then by input order, so the result
///   is deterministic.
/// - Snapshots taken after `now` are kept (``KeepReason/newerThanNow``) and take no bucket
///   slot, so a skewed clock cannot push real history out.
/// - `within` is counted back from the newest snapshot not after `now`; a snapshot is kept
///   when it is strictly younger than that cut-off.
/// - Each counted rule walks the list and keeps the first snapshot it meets in each new
///   bucket (hour, day, ISO week, month, year in `timeZone`), while it has count left.
///   `unlimited` never runs out. A rule that still has count left at the end of the list
///   also keeps the oldest snapshot (``KeepReason/oldest(_:)`` when that snapshot is in
///   an already-kept bucket).
/// - A snapshot is kept if any rule keeps it and lists every such rule.
/// - An empty policy keeps everything (``KeepReason/emptyPolicy``); callers should refuse it.
///
/// Pure: `now` is a parameter and the clock is never read.
public func applyRetention(
    _ snapshots: [RetentionItem],
    policy: RetentionPolicy,
    now: Date,
    timeZone: TimeZone
) -> RetentionDecision {
    let ordered = sortedNewestFirst(snapshots)
    guard !policy.isEmpty else {
        return RetentionDecision(keep: ordered.map { .init(item: $0, reasons: [.emptyPolicy]) }, remove: [])
    }

    var keep: [RetentionDecision.Kept] = []
    var remove: [RetentionItem] = []

    // Future snapshots sort first; they are kept and set aside before any counting.
    let futureCount = ordered.prefix { $0.time > now }.count
    for item in ordered.prefix(futureCount) {
        keep.append(.init(item: item, reasons: [.newerThanNow]))
    }
    let candidates = Array(ordered.dropFirst(futureCount))
    guard let newest = candidates.first else {
        return RetentionDecision(keep: keep, remove: remove)
    }

    let calendar = RetentionBucket.calendar(in: timeZone)
    var counters = RetentionBucket.allCases.compactMap { bucket in
        policy.count(for: bucket).flatMap { $0.isActive ? BucketCounter(bucket: bucket, count: $0) : nil }
    }
    let within = policy.activeWithin
    let cutoff = within.map { newest.time.addingTimeInterval(-seconds(of: $0)) }

    for (position, item) in candidates.enumerated() {
        let isOldest = position == candidates.count - 1
        var reasons: [KeepReason] = []
        if let within, let cutoff, item.time > cutoff {
            reasons.append(.within(within))
        }
        for index in counters.indices where counters[index].hasCountLeft {
            let key = counters[index].bucket.key(for: item.time, position: position, calendar: calendar)
            let sameBucket = key == counters[index].lastKey
            if !sameBucket || isOldest {
                reasons.append(sameBucket ? .oldest(counters[index].bucket) : counters[index].bucket.keepReason)
                counters[index].take(key)
            }
        }
        if reasons.isEmpty {
            remove.append(item)
        } else {
            keep.append(.init(item: item, reasons: reasons))
        }
    }
    return RetentionDecision(keep: keep, remove: remove)
}

/// Newest first; equal times by ascending id, then by input position (a stable sort).
private func sortedNewestFirst(_ snapshots: [RetentionItem]) -> [RetentionItem] {
    snapshots.enumerated().sorted { lhs, rhs in
        if lhs.element.time != rhs.element.time { return lhs.element.time > rhs.element.time }
        if lhs.element.id != rhs.element.id { return lhs.element.id < rhs.element.id }
        return lhs.offset < rhs.offset
    }.map(\.element)
}

/// A duration in seconds, with its sub-second part.
private func seconds(of duration: Duration) -> TimeInterval {
    let parts = duration.components
    return TimeInterval(parts.seconds) + TimeInterval(parts.attoseconds) * 1e-18
}

/// The running state of one counted rule while the list is walked.
private struct BucketCounter {
    let bucket: RetentionBucket
    /// Buckets still to keep; nil for unlimited.
    var remaining: Int?
    /// Bucket of the last snapshot this rule kept.
    var lastKey: Int?

    init(bucket: RetentionBucket, count: RetentionCount) {
        self.bucket = bucket
        switch count {
        case .count(let value): remaining = value
        case .unlimited: remaining = nil
        }
    }

    var hasCountLeft: Bool { remaining.map { $0 > 0 } ?? true }

    mutating func take(_ key: Int) {
        lastKey = key
        if let left = remaining { remaining = left - 1 }
    }
}
