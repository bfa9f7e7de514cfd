import AWSKit
import Foundation

/// A simulated AWS (RDS for Aurora, STS, KMS, EC2 security groups) for many accounts and
/// regions, on an injected virtual clock. One implementation of the rules serves both the
/// wire server (`handle(_:)`) and the in-process clients (`SimRDS`, `SimSTS`,
/// `SimKMS`, `SimEC2`). Statuses advance lazily from timestamps whenever the world is
/// read; nothing runs in the background, so a run is a pure function of the
/// scenario, the seed, the calls and the clock.
///
/// What it does NOT model (use the real service or an emulator when in doubt):
/// - IAM beyond KMS key use and AssumeRole: key policies, trust policies and a
///   role's identity `policies` decide KMS use (direct, and RDS's on the caller's
///   behalf) and `sts:AssumeRole`; RDS and other STS/KMS operations are not
///   authorized by IAM. No SCPs, permission boundaries, session policies, groups,
///   policy variables, or condition operators other than those `IAMCondition` lists.
/// - KMS grants, encryption, key rotation, key states other than enabled/disabled.
/// - DB instance snapshots, parameter group contents and families (only that a
///   named group exists is checked), option groups, instance class availability
///   per engine (only the `db.<family>.<size>` shape is checked), global clusters,
///   Serverless v1, storage autoscaling, failover, stop/start, pending
///   modifications (a change without ApplyImmediately is ignored).
/// - Instance identifiers do not change when their cluster is renamed, and
///   automated snapshots are not renamed either.
/// - Deleting a snapshot is immediate (no `deleting` state); deleting a copy's
///   source does not fail the copy; deleting a `copying` target cancels it.
/// - A cluster shows `backing-up` only while its automated snapshot is being
///   created; manual snapshots leave it `available`.
/// - Throttling is one token bucket per account × region × service, not per API.
/// - Markers are opaque but not encrypted; they name the last item returned.
/// - Cross-region copies need no PreSignedUrl; the source region is read directly.
/// - EC2 is DescribeSecurityGroups by id only: no rules beyond AWS's default egress rule, no
///   lookups by name or filter, one VPC per account and region.
public actor SimWorld {
    let now: @Sendable () -> Date
    var scenario: SimScenario
    var regions: [SimScope: RegionState] = [:]
    var keys: [String: KeyRecord] = [:]
    /// Per scope: alias name → key ARN.
    var aliases: [SimScope: [String: String]] = [:]
    var roles: [String: RoleRecord] = [:]
    var staticKeys: [String: StaticKeyRecord] = [:]
    var sessions: [String: SessionRecord] = [:]
    var faults: SimFaultRules
    var buckets: [String: SimTokenBucket] = [:]
    var callLog: [SimCallRecord] = []
    var workLog: [SimWorkRecord] = []
    var durationRandom: SeededRandomBox
    var faultRandom: SeededRandomBox
    var sessionRandom: SeededRandomBox
    /// The earliest time something falls due (a status change, a backup, an expiry).
    var nextEvent: Date = .distantPast
    var resourceCounter = 0
    /// False until the scenario's resources are built (an actor's synchronous
    /// init cannot call its isolated methods, so the first use builds them).
    var populated = false

    /// Builds a world from a validated scenario; `now` is the virtual clock
    /// (a closure over `ManualClock.nowDate` or a test box).
    public init(scenario: SimScenario, now: @escaping @Sendable () -> Date) throws(SimScenarioError) {
        try scenario.validate()
        self.now = now
        self.scenario = scenario
        faults = scenario.faults
        let seed = scenario.seed ?? scenario.durations.jitterSeed
        durationRandom = SeededRandomBox(seed: scenario.durations.jitterSeed)
        faultRandom = SeededRandomBox(seed: seed &+ 1)
        sessionRandom = SeededRandomBox(seed: seed &+ 2)
    }

    /// Replaces the whole world with `scenario` (calls and faults included).
    public func load(scenario: SimScenario) throws(SimScenarioError) {
        try scenario.validate()
        self.scenario = scenario
        reset()
    }

    /// Rebuilds the world from the current scenario: clears resources created
    /// since, sessions, the call record, throttling state, and restores the
    /// scenario's faults and seeds.
    public func reset() {
        regions = [:]; keys = [:]; aliases = [:]; roles = [:]; staticKeys = [:]; sessions = [:]
        buckets = [:]; callLog = []; workLog = []; faults = scenario.faults; nextEvent = .distantPast; resourceCounter = 0
        let seed = scenario.seed ?? scenario.durations.jitterSeed
        durationRandom = SeededRandomBox(seed: scenario.durations.jitterSeed)
        faultRandom = SeededRandomBox(seed: seed &+ 1)
        sessionRandom = SeededRandomBox(seed: seed &+ 2)
    }

    /// Replaces the fault rules (an empty rule list clears them).
    public func setFaults(_ rules: SimFaultRules) { faults = rules }

    /// Every call at or after `since` (all calls when nil), oldest first.
    public func calls(since: Date? = nil) -> [SimCallRecord] {
        guard let since else { return callLog }
        return callLog.filter { $0.time >= since }
    }

    /// Call counts keyed `service:Operation`, e.g. `rds:DescribeDBClusterSnapshots`.
    public func callCounts(since: Date? = nil) -> [String: Int] {
        calls(since: since).reduce(into: [:]) { $0["\($1.service):\($1.operation)", default: 0] += 1 }
    }

    /// The secret of a static or session access key, for SigV4 verification
    /// (nil for an unknown key; expired session keys still answer so the
    /// request can be told `ExpiredToken`).
    public func secret(forAccessKey accessKeyId: String) -> String? {
        ensurePopulated()
        return staticKeys[accessKeyId]?.secret ?? sessions[accessKeyId]?.secret
    }

    func ensurePopulated() {
        if !populated { populate(); populated = true }
    }

    /// The current simulated time.
    public var currentDate: Date { now() }

    /// The scenario the world was built from.
    public var currentScenario: SimScenario { scenario }
}
