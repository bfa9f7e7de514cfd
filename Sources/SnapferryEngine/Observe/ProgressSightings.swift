import AWSKit
import SnapferryCore

/// When snapshots being created or copied can first be done, from how their `PercentProgress`
/// moved while this process watched.
///
/// Only this host's clock is used: AWS's `SnapshotCreateTime` is never set against it, so a host
/// clock minutes off AWS's (or a simulator on virtual time) cannot stretch a wait past the end.
///
/// Progress is rounded down. Seen at p₀ at t₀ and at p at t, it truly moved by less than
/// p+1−p₀ points in t−t₀, and more than 99−p points remain, so the rest takes at least
/// (99−p)·(t−t₀)/(p+1−p₀): looking then never overshoots while progress is linear, and each look
/// narrows the estimate.
public struct ProgressSightings: Sendable {
    public init() {}

    private var first: [String: (at: AnyClock.Instant, percent: Int)] = [:]

    /// Records `snapshots` (an account's, as just observed) and returns how long until the first
    /// one in flight can be done. Nil, to keep backing off, when none is in flight or one has no
    /// estimate yet: first sight, no progress reported, or none visible since first sight (RDS
    /// often holds a percentage a while before moving).
    public mutating func earliestDone(_ snapshots: [DBClusterSnapshot], at now: AnyClock.Instant) -> Duration? {
        let inFlight = snapshots.filter { $0.status == "creating" || $0.status == "copying" }
        var soonest: Duration?
        var foreseen = !inFlight.isEmpty
        for snapshot in inFlight {
            guard let p = snapshot.percentProgress, p < 100 else { foreseen = false; continue }
            guard let seen = first[snapshot.arn] else {
                first[snapshot.arn] = (now, p)
                foreseen = false
                continue
            }
            guard p > seen.percent else { foreseen = false; continue }
            let done = seen.at.duration(to: now) * (99 - p) / (p + 1 - seen.percent)
            soonest = min(soonest ?? done, done)
        }
        for snapshot in snapshots where snapshot.status != "creating" && snapshot.status != "copying" {
            first[snapshot.arn] = nil
        }
        return foreseen ? soonest : nil
    }
}
