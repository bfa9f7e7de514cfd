import AWSKit
import Foundation
import Logging
import SnapferryConfig
import SnapferryCore
import SnapferryStore

/// Runs snapshot rotation for the fleet: observe → plan → act in passes over every
/// source, observing each account × region once per pass, acting in parallel within
/// the fleet's limits, journalling every mutation, until every source has nothing
/// left to do (or is blocked, or failed).
public struct RotationEngine: Sendable {
    /// The fleet file.
    public let config: FleetConfig
    let aws: any FleetAWS
    let store: any StateStore
    let clock: AnyClock
    let wallNow: @Sendable () -> Date
    let logger: Logger
    /// Snapshot copies in flight per account × region; `apply` gives rotation and refresh the same one.
    public var copies: CopyBudget
    let observer: FleetObserver
    /// Source → ids of the accounts its targets are refreshed in.
    let refreshAccounts: [String: Set<String>]
    /// First wait between polls of work in flight; grows ×1.5 to `pollMax`.
    public var pollInitial: Duration = .seconds(5)
    /// Longest wait between polls.
    public var pollMax: Duration = .seconds(60)
    /// Give up waiting after this many passes.
    public var maxPasses = 500
    /// A shareable copy that ends `failed` is made again at most this many times in one run.
    public var maxCopyRetries = 2
    /// A source whose call still fails on a passing error (throttling, 5xx, a reset, a timeout) once the
    /// client's retries are spent is planned again on a later look, backing off as a wait does; after
    /// this many such looks in a row it fails for this run. Throttling does not count: it slows a source
    /// down until `maxPasses`.
    public var maxPassingFailures = 8
    /// Told of each action when it is done, of what each source waits for when that changes,
    /// and of failures, as they happen (the CLI's progress lines).
    public var events: (@Sendable (RunEvent) -> Void)?
    /// Where each pass's observation is left for the refresh engine of the same process.
    public var shared: LatestObservations?

    /// Creates an engine. `wallNow` stamps the journal; planning uses the `at` given to each call.
    public init(config: FleetConfig, aws: any FleetAWS, store: any StateStore, clock: AnyClock = AnyClock(ContinuousClock()),
                wallNow: @escaping @Sendable () -> Date = { Date() }, logger: Logger = Logger(label: "snapferry.engine")) {
        self.config = config; self.aws = aws; self.store = store; self.clock = clock; self.wallNow = wallNow
        self.logger = logger; self.copies = CopyBudget(limit: config.defaults.limits.maxCopiesPerRegion)
        self.observer = FleetObserver(config: config, aws: aws)
        var refreshAccounts: [String: Set<String>] = [:]
        for target in config.targets {
            if let id = config.account(named: target.account)?.id { refreshAccounts[target.source, default: []].insert(id) }
        }
        self.refreshAccounts = refreshAccounts
    }

    /// The sources named (all when nil).
    func selected(_ names: [String]?) -> [Source] {
        config.sources.filter { names == nil || names?.contains($0.name) == true }
    }

    /// The planner's input for `source` from an observation and the state database.
    func input(_ source: Source, at now: Date, observation: SourceObservation) async throws -> RotationInput {
        let owned = try await store.ownedSnapshots(source: source.name)
        let running = try await store.operations(states: [.running, .waiting], source: source.name, limit: 1000)
        let accountID = config.account(named: source.account)?.id ?? ""
        let shareIDs = source.shareWith.compactMap { config.account(named: $0)?.id }
        var input = RotationInput(fleet: config.fleet, source: source, accountID: accountID, shareAccountIDs: shareIDs, now: now,
                                  observation: observation, owned: owned, inFlight: Set(running.map { $0.subject.lowercased() }))
        input.refreshAccountIDs = refreshAccounts[source.name] ?? []
        return input
    }

    /// What `apply` would do for each source, read from AWS once per account × region and the
    /// state database; changes nothing (what `snapferry plan` prints).
    public func predict(at now: Date, sources: [String]? = nil) async -> [(source: String, result: Result<RunPrediction, any Error>)] {
        let chosen = selected(sources)
        let scopes = Set(chosen.map { FleetObserver.Scope(account: $0.account, region: $0.region) })
        let observed = await observer.observe(chosen, at: now, cache: RunCache(), needQuota: scopes)
        await shared?.put(observed, at: wallNow())
        var results: [(source: String, result: Result<RunPrediction, any Error>)] = []
        for source in chosen {
            do {
                let observation = try (observed[source.name] ?? .failure(CancellationError())).get()
                let input = try await input(source, at: now, observation: observation)
                results.append((source.name, .success(RotationPlanner.predict(input))))
            } catch {
                results.append((source.name, .failure(error)))
            }
        }
        return results
    }
}

/// What a run reports while it goes.
public enum RunEvent: Sendable {
    /// An action was done.
    case performed(source: String, action: RotationAction)
    /// What the source now waits for (sent when it changes).
    case waiting(source: String, waits: [String])
    /// The source stopped short.
    case failed(source: String, message: String)
}
