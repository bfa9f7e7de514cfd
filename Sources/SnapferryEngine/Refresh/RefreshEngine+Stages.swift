import Foundation
import SnapferryCore

/// When a refresh looks at AWS again, from how long each kind of work took before (`StageDurations`).
extension RefreshEngine {
    /// Once per `stages` (per process): the durations the journal's last finished refreshes of each target took.
    func learnStages() async {
        guard await stages.claimLearning() else { return }
        for target in config.targets {
            guard let done = try? await store.operations(states: [.succeeded, .failed], source: target.name, limit: 3) else { continue }
            for operation in done where operation.kind == "refresh" {
                guard let detail = operation.detail,
                      let record = try? JSONDecoder().decode(RefreshRecord.self, from: Data(detail.utf8)) else { continue }
                for (name, seconds) in record.stageSeconds ?? [:] {
                    guard let kind = StageDurations.Kind(rawValue: name) else { continue }
                    await stages.record(kind, took: .milliseconds(Int64(seconds * 1000)))
                }
            }
        }
    }

    /// How long from this look at one account × region until one of its `flights` is due another
    /// (`StageDurations.nextLook`), when every one waits on work of a kind seen finished before. A flight not
    /// yet begun (held back by the parallel limits or the quotas) waits on others, so it leaves the account
    /// polled as before.
    func foreseen(_ flights: [Flight]) async -> Duration? {
        guard !flights.isEmpty else { return nil }
        let now = clock.now
        var soonest: Duration?
        for flight in flights {
            guard flight.record != nil, let stage = flight.stage, let look = await stages.firstLook(stage.kind) else { return nil }
            let wait = StageDurations.nextLook(elapsed: stage.since.duration(to: now), firstLook: look,
                                               initial: pollInitial, max: pollMax)
            soonest = min(soonest ?? wait, wait)
        }
        return soonest
    }
}
