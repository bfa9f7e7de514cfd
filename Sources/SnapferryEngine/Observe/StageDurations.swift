import Foundation

/// The fastest each kind of refresh work has been seen to finish in this process (the daemon keeps
/// one for its life, across reloads), so a refresh that starts a restore, an instance, a rename or a
/// deletion is first looked at when the fastest of its kind was done, not every `poll.max` from the
/// start. RDS reports no progress on these, unlike snapshots and copies (see `ProgressSightings`).
///
/// A duration is measured from the call to the look that saw the work done, so it overstates the
/// work by up to one poll interval; the fastest of many is still a safe first look, and `firstLook`
/// takes a margin off it. Until a kind has been seen once, waits on it back off as before. Each refresh
/// keeps its own durations in its journal record, and the first run of a process starts from the last
/// few of every target's (`RefreshEngine.learnStages`), so `apply` from cron learns across nights too.
public actor StageDurations {
    public enum Kind: String, Sendable {
        case restore, instance, rename, instanceDeletion, clusterDeletion, copy, modify
    }

    /// The part of the fastest duration seen at which the first look is made.
    public static let margin = 0.9
    private var fastest: [Kind: Duration] = [:]
    private var learning = false

    public init() {}

    public func record(_ kind: Kind, took duration: Duration) {
        guard duration > .zero else { return }
        fastest[kind] = min(fastest[kind] ?? duration, duration)
    }

    /// True the first time only: whoever gets it reads the journal's durations into this record.
    public func claimLearning() -> Bool {
        defer { learning = true }
        return !learning
    }

    /// How long after starting work of `kind` it can first be done, or nil before one has been seen.
    public func firstLook(_ kind: Kind) -> Duration? {
        fastest[kind].map { $0 * Self.margin }
    }

    /// How long from a look until the next one at work started `elapsed` ago: until `firstLook`; then the
    /// gap of the grid of looks it would have on its own — at `firstLook`, a twentieth of it later (at least
    /// `initial`), each gap ×1.5 up to `max` — that `elapsed` falls in. So the look that finds the work done
    /// comes about 5% of its duration after its end, long work is not read every few seconds, and a look
    /// made for another refresh in the account serves this one too (ten refreshes each looked at on its own
    /// grid had an account read every 9 s).
    public static func nextLook(elapsed: Duration, firstLook: Duration, initial: Duration, max: Duration) -> Duration {
        if elapsed < firstLook { return firstLook - elapsed }
        var at = firstLook
        var gap = Swift.min(max, Swift.max(initial, firstLook / 20))
        while gap < max && at + gap <= elapsed {
            at += gap
            gap = Swift.min(max, gap * 1.5)
        }
        return gap
    }
}

extension RefreshRecord {
    mutating func noteStage(_ kind: StageDurations.Kind, took: Duration) {
        let seconds = Double(took.components.seconds) + Double(took.components.attoseconds) / 1e18
        var all = stageSeconds ?? [:]
        all[kind.rawValue] = min(all[kind.rawValue] ?? seconds, seconds)
        stageSeconds = all
    }
}

extension RefreshAction {
    /// The kind of wait this step starts in AWS; nil for a step whose end nothing waits on.
    var stageKind: StageDurations.Kind? {
        switch self {
        case .copySnapshot: .copy
        case .restore: .restore
        case .manageMasterPassword: .modify
        case .createInstance: .instance
        case .runHook: nil
        case .renameCluster, .renameInstance: .rename
        case .deleteInstance: .instanceDeletion
        case .deleteCluster: .clusterDeletion
        // The in-account copy's deletion holds nothing up: the next look is the last.
        case .deleteSnapshot: nil
        }
    }
}
