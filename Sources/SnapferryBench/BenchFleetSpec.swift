import Foundation

/// The shape of one benchmark fleet. Sources are spread over source accounts, each shared with
/// every target account; each target account holds `refreshesPerAccount` refresh targets.
public struct BenchFleetSpec: Sendable, Hashable, Codable {
    public var name: String
    public var sources: Int
    /// How many sources one production account holds. RDS's 100 manual snapshots per region bound
    /// it: a source under `aws/rds` shared with 40 accounts keeps 3 snapshots per slot (the
    /// primary and two shareable copies of 20 accounts each), so 4 sources × 3 × 8 slots fit.
    public var sourcesPerAccount: Int
    public var targetAccounts: Int
    public var refreshesPerAccount: Int
    /// `keep_daily` of every source.
    public var retentionDays: Int
    /// Every `n`th source's cluster is under `aws/rds` and needs a copy under its CMK to be shared;
    /// the others are encrypted with the CMK and their primary is the first carrier.
    public var defaultKeyEvery: Int
    /// The seed of cluster sizes and of the simulator's durations.
    public var seed: UInt64

    public init(name: String, sources: Int, sourcesPerAccount: Int, targetAccounts: Int, refreshesPerAccount: Int,
                retentionDays: Int = 7, defaultKeyEvery: Int = 2, seed: UInt64 = 1) {
        self.name = name; self.sources = sources; self.sourcesPerAccount = sourcesPerAccount
        self.targetAccounts = targetAccounts; self.refreshesPerAccount = refreshesPerAccount
        self.retentionDays = retentionDays; self.defaultKeyEvery = defaultKeyEvery; self.seed = seed
    }

    public var sourceAccounts: Int { (sources + sourcesPerAccount - 1) / sourcesPerAccount }
    public var refreshTargets: Int { targetAccounts * refreshesPerAccount }
    /// Source × share-account pairs: what "per pair" divides by.
    public var pairs: Int { sources * targetAccounts }
    /// Shareable snapshots per slot that carry shares: one per 20 accounts.
    public var carriersPerSource: Int { max(1, (targetAccounts + 19) / 20) }

    public func underDefaultKey(_ source: Int) -> Bool { defaultKeyEvery > 0 && source % defaultKeyEvery == 0 }

    public static func small(seed: UInt64 = 1, retentionDays: Int = 7) -> BenchFleetSpec {
        BenchFleetSpec(name: "small", sources: 10, sourcesPerAccount: 1, targetAccounts: 5, refreshesPerAccount: 2,
                       retentionDays: retentionDays, seed: seed)
    }

    public static func medium(seed: UInt64 = 1) -> BenchFleetSpec {
        BenchFleetSpec(name: "medium", sources: 200, sourcesPerAccount: 4, targetAccounts: 40, refreshesPerAccount: 10, seed: seed)
    }

    /// The medium fleet's shape (40 share accounts, 4 sources per account, 10 refreshes per account) on a
    /// quarter of its sources and accounts, for `--quick`.
    public static func mediumReduced(seed: UInt64 = 1) -> BenchFleetSpec {
        BenchFleetSpec(name: "medium/4", sources: 50, sourcesPerAccount: 4, targetAccounts: 40, refreshesPerAccount: 2, seed: seed)
    }

    public static func large(seed: UInt64 = 1) -> BenchFleetSpec {
        // 100 share accounts need 5 carriers per slot (6 snapshots under aws/rds): 2 sources per account fit in 100.
        BenchFleetSpec(name: "large", sources: 1000, sourcesPerAccount: 2, targetAccounts: 100, refreshesPerAccount: 20, seed: seed)
    }
}

extension BenchFleetSpec {
    /// Two sources, two share accounts, one refresh each: the test suite's fleet.
    public static func tiny(seed: UInt64 = 1) -> BenchFleetSpec {
        BenchFleetSpec(name: "tiny", sources: 2, sourcesPerAccount: 1, targetAccounts: 2, refreshesPerAccount: 1, seed: seed)
    }

    /// 625 sources under `aws/rds` shared with 20 accounts (a primary and one shareable copy per slot),
    /// keeping 8 daily slots: 10,000 snapshots in state. For the daemon's memory
    /// (`scripts/measure-daemon-rss.py`), not a cycle row.
    public static func rss(seed: UInt64 = 1) -> BenchFleetSpec {
        BenchFleetSpec(name: "rss", sources: 625, sourcesPerAccount: 4, targetAccounts: 20, refreshesPerAccount: 0,
                       retentionDays: 8, defaultKeyEvery: 1, seed: seed)
    }

    public static func named(_ name: String, seed: UInt64) -> BenchFleetSpec? {
        switch name {
        case "tiny": .tiny(seed: seed)
        case "small": .small(seed: seed)
        case "medium": .medium(seed: seed)
        case "medium/4": .mediumReduced(seed: seed)
        case "large": .large(seed: seed)
        case "rss": .rss(seed: seed)
        default: nil
        }
    }
}
