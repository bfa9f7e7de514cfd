import Foundation

/// Which snapshots to keep, with the semantics of restic's `forget` (`ExpirePolicy`).
///
/// A snapshot is kept if any rule keeps it. Bucket rules (`hourly` … `yearly`) are counted
/// in calendar units of a time zone given to ``applyRetention(_:policy:now:timeZone:)``.
public struct RetentionPolicy: Sendable, Hashable {
    /// Keep the N newest snapshots.
    public var last: RetentionCount?
    /// Keep the newest snapshot of each of the last N hours that have one.
    public var hourly: RetentionCount?
    /// Keep the newest snapshot of each of the last N days that have one.
    public var daily: RetentionCount?
    /// Keep the newest snapshot of each of the last N ISO-8601 weeks that have one.
    public var weekly: RetentionCount?
    /// Keep the newest snapshot of each of the last N months that have one.
    public var monthly: RetentionCount?
    /// Keep the newest snapshot of each of the last N years that have one.
    public var yearly: RetentionCount?
    /// Keep every snapshot younger than this, counted back from the newest snapshot
    /// (not from now), so that a source that stopped snapshotting keeps its history.
    public var within: Duration?

    /// Creates a policy; every rule defaults to off.
    public init(
        last: RetentionCount? = nil,
        hourly: RetentionCount? = nil,
        daily: RetentionCount? = nil,
        weekly: RetentionCount? = nil,
        monthly: RetentionCount? = nil,
        yearly: RetentionCount? = nil,
        within: Duration? = nil
    ) {
        self.last = last
        self.hourly = hourly
        self.daily = daily
        self.weekly = weekly
        self.monthly = monthly
        self.yearly = yearly
        self.within = within
    }

    /// True when no rule is on: every count is absent or zero and `within` is absent or not
    /// positive (restic's `Empty()`). Such a policy keeps everything; callers refuse it.
    public var isEmpty: Bool {
        let anyCount = RetentionBucket.allCases.contains { count(for: $0)?.isActive ?? false }
        return !anyCount && activeWithin == nil
    }

    /// The count configured for one bucket kind.
    func count(for bucket: RetentionBucket) -> RetentionCount? {
        switch bucket {
        case .last: last
        case .hourly: hourly
        case .daily: daily
        case .weekly: weekly
        case .monthly: monthly
        case .yearly: yearly
        }
    }

    /// `within` when it is positive; restic treats a zero duration as "not set".
    var activeWithin: Duration? {
        guard let within, within > .zero else { return nil }
        return within
    }
}
