import Foundation

/// Why a snapshot is kept. The descriptions follow restic's `forget` output.
public enum KeepReason: Sendable, Hashable, CustomStringConvertible {
    /// One of the N newest snapshots.
    case last
    /// Newest snapshot of one of the kept hours.
    case hourly
    /// Newest snapshot of one of the kept days.
    case daily
    /// Newest snapshot of one of the kept ISO weeks.
    case weekly
    /// Newest snapshot of one of the kept months.
    case monthly
    /// Newest snapshot of one of the kept years.
    case yearly
    /// The oldest snapshot of all, kept because this rule still had count left when the
    /// list ran out (restic keeps it to make the kept history as long as possible).
    case oldest(RetentionBucket)
    /// Younger than this duration, counted back from the newest snapshot.
    case within(Duration)
    /// Taken after "now": kept, and not counted, in case the clocks disagree.
    case newerThanNow
    /// The policy has no rule, so nothing is removed.
    case emptyPolicy

    /// E.g. `daily snapshot`, `oldest monthly snapshot`, `within 7d`.
    public var description: String {
        switch self {
        case .last: "last snapshot"
        case .hourly: "hourly snapshot"
        case .daily: "daily snapshot"
        case .weekly: "weekly snapshot"
        case .monthly: "monthly snapshot"
        case .yearly: "yearly snapshot"
        case .oldest(let bucket): "oldest \(bucket.keepReason)"
        case .within(let duration): "within \(formatFleetDuration(duration))"
        case .newerThanNow: "newer than now"
        case .emptyPolicy: "empty policy"
        }
    }
}
