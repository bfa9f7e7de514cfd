import AWSKit
import Foundation
import Logging
import SnapferryConfig
import SnapferryCore
import SnapferryStore

/// Runs snapshot rotation for the fleet: observe → plan → act, per source, in
/// parallel within the fleet's limits, journalling every mutation, until every
/// source has nothing left to do (or is blocked).
public struct RotationEngine: Sendable {
    /// The fleet file.
    public let config: FleetConfig
    let aws: any FleetAWS
    let store: any StateStore
    let clock: AnyClock
    let wallNow: @Sendable () -> Date
    let logger: Logger
    let copies: CopyBudget
    /// First wait between polls of work in flight; grows ×1.5 to `pollMax`.
    public var pollInitial: Duration = .seconds(5)
    /// Longest wait between polls.
    public var pollMax: Duration = .seconds(60)
    /// Give up waiting on a source after this many passes.
    public var maxPasses = 500

    /// Creates an engine. `wallNow` stamps the journal; planning uses the `at` given to each call.
    public init(config: FleetConfig, aws: any FleetAWS, store: any StateStore, clock: AnyClock = AnyClock(ContinuousClock()),
                wallNow: @escaping @Sendable () -> Date = { Date() }, logger: Logger = Logger(label: "snapferry.engine")) {
        self.config = config; self.aws = aws; self.store = store; self.clock = clock; self.wallNow = wallNow
        self.logger = logger; self.copies = CopyBudget(limit: config.defaults.limits.maxCopiesPerRegion)
    }

    /// Observes AWS for one source: the cluster, its manual snapshots (tags included),
    /// and only when needed automated snapshots, key managers and the quota.
    public func observe(_ source: Source, at now: Date, needQuota: Bool = false) async throws -> SourceObservation {
        let slot = source.schedule.previousFire(atOrBefore: now, in: source.timeZone)
        guard let account = config.account(named: source.account) else {
            throw AWSError(kind: .credentials, service: "fleet", operation: "observe", code: "UnknownAccount",
                           message: "source \(source.name) names unknown account \(source.account)")
        }
        let rds = aws.rds(account, region: source.region)
        let snapshots = try await rds.allDBClusterSnapshots(
            .init(clusterIdentifier: source.cluster, snapshotType: "manual")).collect()
        // The cluster matters only when the newest due slot still needs its snapshot.
        var cluster: DBCluster?
        let slotID = slot.map { SnapshotName(source: source.name, slot: $0).description }
        if slotID == nil || !snapshots.contains(where: { $0.identifier.lowercased() == slotID }) {
            do {
                cluster = try await rds.describeDBClusters(.init(clusterIdentifier: source.cluster)).items.first
            } catch let error as AWSError where error.isNotFound {
                cluster = nil
            }
        }
        var automated: [DBClusterSnapshot] = []
        if source.method == .copyAutomated {
            automated = try await rds.allDBClusterSnapshots(.init(clusterIdentifier: source.cluster, snapshotType: "automated")).collect()
        }
        var keys = Set<String>()
        if let configured = source.kmsKey { keys.insert(configured) }
        let unknownKeys = Set(snapshots.compactMap(\.kmsKeyId)).subtracting(keys)
        if !unknownKeys.isEmpty, source.kmsKey == nil {
            let kms = aws.kms(account, region: source.region)
            for key in unknownKeys.sorted() where (try? await kms.describeKey(keyId: key))?.isCustomerManaged == true {
                keys.insert(key)
            }
        }
        var quota: AccountQuota?
        if needQuota {
            quota = try? await rds.describeAccountAttributes().first { $0.name == "ManualClusterSnapshots" }
        }
        return SourceObservation(cluster: cluster, snapshots: snapshots, automated: automated,
                                 customerManagedKeys: keys, quota: quota)
    }

    /// Reads state and AWS and plans one source (what `snapferry plan` prints).
    public func plan(_ source: Source, at now: Date, needQuota: Bool = false) async throws -> SourcePlan {
        let observation = try await observe(source, at: now, needQuota: needQuota)
        return try await plan(source, at: now, observation: observation)
    }

    func plan(_ source: Source, at now: Date, observation: SourceObservation) async throws -> SourcePlan {
        let owned = try await store.ownedSnapshots(source: source.name)
        let running = try await store.operations(states: [.running, .waiting], source: source.name, limit: 1000)
        let accountID = config.account(named: source.account)?.id ?? ""
        let shareIDs = source.shareWith.compactMap { config.account(named: $0)?.id }
        return RotationPlanner.plan(RotationInput(
            fleet: config.fleet, source: source, accountID: accountID, shareAccountIDs: shareIDs, now: now,
            observation: observation, owned: owned, inFlight: Set(running.map { $0.subject.lowercased() })))
    }
}
