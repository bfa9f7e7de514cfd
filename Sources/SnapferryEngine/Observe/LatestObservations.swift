import Foundation

/// The newest observation of each source, shared by the engines of one process: rotation puts what
/// each pass saw, and refresh (in `apply`, right after rotation; in the daemon, between passes)
/// takes it instead of reading the source accounts again. Only observations younger than the
/// asker's limit are handed out.
public actor LatestObservations {
    private var bySource: [String: (observation: SourceObservation, at: Date)] = [:]

    public init() {}

    /// Keeps what `observed` holds for each source that was read; a failed read keeps nothing new.
    public func put(_ observed: [String: Result<SourceObservation, any Error>], at time: Date) {
        for (source, result) in observed {
            if case .success(let observation) = result { bySource[source] = (observation, time) }
        }
    }

    /// The observations of `sources` made at or after `since`.
    public func fresh(_ sources: [String], since: Date) -> [String: SourceObservation] {
        var out: [String: SourceObservation] = [:]
        for source in sources {
            if let entry = bySource[source], entry.at >= since { out[source] = entry.observation }
        }
        return out
    }
}
