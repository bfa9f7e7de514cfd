import AWSKit
import Foundation
import SnapferryConfig
import SnapferryCore

/// The engine's one way of reading AWS: one pass observes each account × region once,
/// for every source in it, and hands each source its slice. Per pass and scope that is
/// one `DescribeDBClusterSnapshots` (a `db-cluster-id` filter names every source cluster;
/// paging covers the rest), one `DescribeDBClusters` only for clusters whose due slot has
/// no snapshot yet, automated snapshots only for `copy-automated` sources; `DescribeKey`
/// and the quota come from the run's cache.
public struct FleetObserver: Sendable {
    /// Account × region, the unit AWS throttles and counts quotas by.
    public struct Scope: Hashable, Sendable, CustomStringConvertible {
        /// Account name in the fleet file.
        public var account: String
        /// Region.
        public var region: String
        public var description: String { "\(account)/\(region)" }
    }

    /// Clusters named in one `db-cluster-id` filter (the API takes a list; this keeps requests small).
    public static let clustersPerFilter = 50

    /// Account × region scopes read at once. The answers' XML trees are the largest part of the daemon's peak
    /// heap, and reading every scope of a large fleet at once held them all together; each scope has its own
    /// rate limit, so reading more at once would not make a pass much shorter.
    public static let parallelScopes = 16

    let config: FleetConfig
    let aws: any FleetAWS

    public init(config: FleetConfig, aws: any FleetAWS) { self.config = config; self.aws = aws }

    /// Observes `sources` as of `now`. `needQuota` says for which scopes the quota is wanted on this
    /// pass (read once per run through `cache`). A scope whose reads fail fails each of its sources.
    public func observe(_ sources: [Source], at now: Date, cache: RunCache,
                        needQuota: Set<Scope> = []) async -> [String: Result<SourceObservation, any Error>] {
        let groups = Dictionary(grouping: sources) { Scope(account: $0.account, region: $0.region) }
        let gate = AsyncSemaphore(permits: Self.parallelScopes)
        return await withTaskGroup(of: [String: Result<SourceObservation, any Error>].self) { group in
            for (scope, members) in groups {
                group.addTask {
                    do {
                        let observed = try await gate.withPermit {
                            try await observe(scope, members, at: now, cache: cache, quota: needQuota.contains(scope))
                        }
                        return observed.mapValues { .success($0) }
                    } catch {
                        return Dictionary(uniqueKeysWithValues: members.map { ($0.name, .failure(error)) })
                    }
                }
            }
            var all: [String: Result<SourceObservation, any Error>] = [:]
            for await part in group { all.merge(part) { a, _ in a } }
            return all
        }
    }

    func observe(_ scope: Scope, _ sources: [Source], at now: Date, cache: RunCache,
                 quota wantQuota: Bool) async throws -> [String: SourceObservation] {
        guard let account = config.account(named: scope.account) else {
            throw AWSError(kind: .credentials, service: "fleet", operation: "observe", code: "UnknownAccount",
                           message: "sources \(sources.map(\.name)) name unknown account \(scope.account)")
        }
        let rds = aws.rds(account, region: scope.region)
        let clusters = Array(Set(sources.map { $0.cluster.lowercased() })).sorted()
        let manual = try await Self.snapshots(rds, type: "manual", clusters: clusters)

        // Clusters matter only where the newest due slot still needs its snapshot.
        let needCluster = sources.filter { source in
            guard let slot = source.schedule.previousFire(atOrBefore: now, in: source.timeZone) else { return true }
            let id = SnapshotName(source: source.name, slot: slot).description
            return !manual.contains { $0.identifier.lowercased() == id }
        }
        var clusterByID: [String: DBCluster] = [:]
        let wantedClusters = Array(Set(needCluster.map { $0.cluster.lowercased() })).sorted()
        for chunk in Self.chunks(wantedClusters) {
            let found = try await rds.allDBClusters(.init(filters: [RDSFilter("db-cluster-id", chunk)])).collect()
            for c in found { clusterByID[c.identifier.lowercased()] = c }
        }
        let automatedClusters = Array(Set(sources.filter { $0.method == .copyAutomated }.map { $0.cluster.lowercased() })).sorted()
        let automated = automatedClusters.isEmpty ? [] : try await Self.snapshots(rds, type: "automated", clusters: automatedClusters)

        let quota = wantQuota ? await self.quota(scope, cache: cache) : nil
        let kms = aws.kms(account, region: scope.region)
        var result: [String: SourceObservation] = [:]
        for source in sources {
            let cluster = source.cluster.lowercased()
            let mine = manual.filter { $0.clusterIdentifier.lowercased() == cluster }
            var keys = Set<String>()
            if let configured = source.kmsKey { keys.insert(configured) } else {
                // The cluster's key too: a plan predicts whether the snapshot it is about to take can be shared.
                let clusterKey = clusterByID[cluster]?.kmsKeyId.map { [$0] } ?? []
                for key in Set(mine.compactMap(\.kmsKeyId) + clusterKey).sorted()
                where await cache.isCustomerManaged(key, describe: { try await kms.describeKey(keyId: key).isCustomerManaged }) {
                    keys.insert(key)
                }
            }
            var observation = SourceObservation(
                cluster: clusterByID[cluster], snapshots: mine,
                automated: automated.filter { $0.clusterIdentifier.lowercased() == cluster },
                customerManagedKeys: keys, quota: quota)
            // The share accounts' use of the carriers' key: GetKeyPolicy once per key and run.
            if !source.shareWith.isEmpty {
                for key in (source.kmsKey.map { [$0] } ?? keys.sorted()) {
                    switch await cache.keyPolicy(key, read: { try await kms.getKeyPolicy(keyId: key) }) {
                    case .success(let policy): observation.keyPolicies[key] = policy
                    case .failure(let error):
                        observation.unreadableKeyPolicies[key] = (error as? AWSError).map { "\($0.code) \($0.message)" } ?? "\(error)"
                    }
                }
            }
            result[source.name] = observation
        }
        return result
    }

    /// The scope's manual cluster snapshot quota, read once per run. Without it the planner creates
    /// anyway and AWS refuses past the quota, so a failed read does not stop the run.
    public func quota(_ scope: Scope, cache: RunCache) async -> AccountQuota? {
        guard let account = config.account(named: scope.account) else { return nil }
        let rds = aws.rds(account, region: scope.region)
        return await cache.quota(scope.description) {
            try await rds.describeAccountAttributes().first { $0.name == "ManualClusterSnapshots" }
        }
    }

    static func snapshots(_ rds: any RDSAPI, type: String, clusters: [String]) async throws -> [DBClusterSnapshot] {
        var all: [DBClusterSnapshot] = []
        for chunk in chunks(clusters) {
            all += try await rds.allDBClusterSnapshots(.init(snapshotType: type, filters: [RDSFilter("db-cluster-id", chunk)])).collect()
        }
        return all
    }

    static func chunks(_ ids: [String]) -> [[String]] {
        stride(from: 0, to: ids.count, by: clustersPerFilter).map { Array(ids[$0..<min($0 + clustersPerFilter, ids.count)]) }
    }
}
