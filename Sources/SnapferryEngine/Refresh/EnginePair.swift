import Foundation
import Logging
import SnapferryConfig
import SnapferryCore
import SnapferryStore

/// The rotation and refresh engines of one fleet file over one AWS: the fleet's poll intervals, one
/// copy budget (in-account copies of both count against `max_copies_per_region`) and one shared
/// observation (refresh chooses snapshots from rotation's last look instead of reading the sources again),
/// and what refresh has learnt of how fast AWS's work finishes (`stages`, kept across reloads by the daemon).
/// `apply`, `plan`, `adopt` and the daemon build them here.
public enum EnginePair {
    public static func make(config: FleetConfig, aws: any FleetAWS, store: any StateStore,
                            clock: AnyClock = AnyClock(ContinuousClock()), wallNow: @escaping @Sendable () -> Date = { Date() },
                            shared: LatestObservations = LatestObservations(), copies: CopyBudget? = nil,
                            stages: StageDurations = StageDurations(),
                            logLevel: Logger.Level? = nil) -> (RotationEngine, RefreshEngine) {
        var rotationLogger = Logger(label: "snapferry.engine"), refreshLogger = Logger(label: "snapferry.refresh")
        if let logLevel { rotationLogger.logLevel = logLevel; refreshLogger.logLevel = logLevel }
        var rotation = RotationEngine(config: config, aws: aws, store: store, clock: clock, wallNow: wallNow, logger: rotationLogger)
        var refresh = RefreshEngine(config: config, aws: aws, store: store, clock: clock, wallNow: wallNow, logger: refreshLogger)
        rotation.pollInitial = config.defaults.pollInitial
        rotation.pollMax = config.defaults.pollMax
        refresh.pollInitial = config.defaults.pollInitial
        refresh.pollMax = config.defaults.pollMax
        rotation.shared = shared
        refresh.shared = shared
        refresh.stages = stages
        if let copies { rotation.copies = copies }
        refresh.copies = rotation.copies
        return (rotation, refresh)
    }
}
