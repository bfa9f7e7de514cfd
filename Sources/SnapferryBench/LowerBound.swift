import AWSSimulator
import Foundation

/// The least time a nightly cycle can take, whatever the strategy: the larger of
/// - the longest chain of AWS durations that one source × target pair must wait through in order
///   (snapshot, the copy that makes it shareable, restore, first instance, the two renames of a swap,
///   the old instance's deletion and then its cluster's);
/// - for each capacity, the work it must carry divided by what it carries at once: copy slots per
///   account and region (5), cluster and instance headroom per target account (quota minus what is
///   there), and API tokens per account, region and service (the necessary calls at the client's rate,
///   after its burst).
///
/// Durations come from the simulator's own record of the work it timed, so the bound uses the very
/// restore and instance times this run drew.
public struct LowerBound: Sendable, Hashable {
    public var seconds: Double
    /// Which term set it, e.g. `chain db0042 → t007-01` or `copy slots of 100000000003`.
    public var boundBy: String
    public var terms: [String: Double]

    public struct Settings: Sendable, Hashable {
        public var copySlots = 5
        public var clusterQuota = 40
        public var instanceQuota = 40
        public var apiRate = 8.0
        public var apiBurst = 40.0
        public var snapshotSecondsPerGb = 3.0
        public var copySecondsPerGb = 6.0
        public var renameSeconds = 120.0
        public var deleteSeconds = 300.0
        public init() {}
    }

    /// `floorCalls` are the necessary calls per account id (RDS), as `CallFloor` counts them.
    public static func compute(spec: BenchFleetSpec, sizes: [Int], work: [SimWorkRecord], since: Date,
                               floorCalls: [String: Int], settings s: Settings = Settings()) -> LowerBound {
        var terms: [String: Double] = [:]
        let copiesNeeded = { (i: Int) -> Int in
            spec.carriersPerSource - (spec.underDefaultKey(i) ? 0 : 1)
        }
        // Shareable at: the snapshot, then (when this pair needs one) the copy that carries the share.
        func shareable(_ i: Int, needsCopy: Bool) -> Double {
            Double(sizes[i]) * s.snapshotSecondsPerGb + (needsCopy ? Double(sizes[i]) * s.copySecondsPerGb : 0)
        }
        for i in 0..<spec.sources {
            terms["chain \(BenchFleet.sourceName(i)) shared"] = shareable(i, needsCopy: copiesNeeded(i) > 0)
        }
        // Refreshes: this run's restore and instance durations, from the simulator's record.
        let recent = work.filter { $0.start >= since }
        var restoreOf: [String: Double] = [:], instanceOf: [String: Double] = [:]
        for r in recent where r.kind == .restore {
            if let target = r.id.components(separatedBy: "-new").first, r.id.contains("-new") {
                restoreOf[target] = min(restoreOf[target] ?? .infinity, r.seconds)
            }
        }
        for r in recent where r.kind == .instance {
            if let cluster = r.from, let target = cluster.components(separatedBy: "-new").first, cluster.contains("-new") {
                instanceOf[target] = min(instanceOf[target] ?? .infinity, r.seconds)
            }
        }
        // Whether a CMK source's refresh targets span more accounts than one carrier serves.
        var targetAccountsOf: [Int: Set<Int>] = [:]
        for k in 0..<spec.targetAccounts {
            for j in 0..<spec.refreshesPerAccount { targetAccountsOf[BenchFleet.source(ofTarget: k, j, spec: spec), default: []].insert(k) }
        }
        var headroomWork: [Int: Double] = [:]
        for k in 0..<spec.targetAccounts {
            for j in 0..<spec.refreshesPerAccount {
                let name = BenchFleet.targetName(account: k, j)
                let i = BenchFleet.source(ofTarget: k, j, spec: spec)
                let needsCopy = spec.underDefaultKey(i) || (targetAccountsOf[i]?.count ?? 0) > 20
                let restore = restoreOf[name] ?? 0, instance = instanceOf[name] ?? 0
                // The swap's two renames, then the old instance's deletion before its cluster's (AWS refuses
                // to delete a cluster that still has instances).
                let swap = restore + instance + 2 * s.renameSeconds
                terms["chain \(BenchFleet.sourceName(i)) → \(name)"] = shareable(i, needsCopy: needsCopy) + swap + 2 * s.deleteSeconds
                headroomWork[k, default: 0] += swap + 2 * s.deleteSeconds
            }
        }
        let earliestShareable = (0..<spec.sources).map { shareable($0, needsCopy: false) }.min() ?? 0
        for (k, carried) in headroomWork {
            let existing = spec.refreshesPerAccount
            terms["cluster headroom of \(BenchFleet.targetAccount(k))"] =
                earliestShareable + carried / Double(max(1, s.clusterQuota - existing))
            terms["instance headroom of \(BenchFleet.targetAccount(k))"] =
                earliestShareable + carried / Double(max(1, s.instanceQuota - existing))
        }
        for a in 0..<spec.sourceAccounts {
            let members = (a * spec.sourcesPerAccount)..<min(spec.sources, (a + 1) * spec.sourcesPerAccount)
            let copyWork = members.reduce(0.0) { $0 + Double(copiesNeeded($1)) * Double(sizes[$1]) * s.copySecondsPerGb }
            let firstSnapshot = members.map { Double(sizes[$0]) * s.snapshotSecondsPerGb }.min() ?? 0
            if copyWork > 0 {
                terms["copy slots of \(BenchFleet.sourceAccount(a))"] = firstSnapshot + copyWork / Double(s.copySlots)
            }
        }
        for (account, calls) in floorCalls {
            terms["API tokens of \(account)"] = max(0, Double(calls) - s.apiBurst) / s.apiRate
        }
        let top = terms.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }
        return LowerBound(seconds: top?.value ?? 0, boundBy: top?.key ?? "-", terms: terms)
    }
}
