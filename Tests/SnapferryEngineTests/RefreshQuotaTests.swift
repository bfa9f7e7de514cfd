import AWSKit
import AWSSimulator
import Foundation
import SnapferryConfig
import SnapferryCore
import SnapferryEngine
import SnapferryStore
import SnapferryTestSupport
import Testing

/// A refresh holds one more cluster while the old and the new exist side by side: in an account whose
/// DB cluster quota leaves room for one, two refreshes take turns instead of the second being refused
/// by AWS and rolled back; with no room at all, the refresh is skipped before anything is made.
@Suite struct RefreshQuotaTests {
    typealias Sim = RefreshEngineSimTests
    static let dev = Sim.dev

    static let yaml = """
        version: 1
        fleet: acme
        defaults: { region: eu-west-1 }
        accounts:
          prod: { id: "\(Sim.prod)" }
          dev: { id: "\(dev)" }
        sources:
          - { name: orders, account: prod, cluster: orders-prod, schedule: "0 1 * * *", kms_key: \(Sim.prodKey),
              retention: { keep_last: 2 }, share_with: [dev] }
        targets:
          - { name: orders-dev, source: orders, account: dev, schedule: "30 3 * * *", cluster: orders-dev,
              instances: [{ class: db.r6g.large }], subnet_group: dev-db, security_groups: [sg-00000000000000de1], kms_key: \(Sim.key(dev)) }
          - { name: billing-dev, source: orders, account: dev, schedule: "30 3 * * *", cluster: billing-dev,
              instances: [{ class: db.r6g.large }], subnet_group: dev-db, security_groups: [sg-00000000000000de1], kms_key: \(Sim.key(dev)) }
        """

    /// Both targets copy into the dev account first, with room for one copy at a time.
    static let copyingYAML = yaml
        .replacingOccurrences(of: "defaults: { region: eu-west-1 }", with: "defaults: { region: eu-west-1, limits: { max_copies_per_region: 1 } }")
        .replacingOccurrences(of: "kms_key: \(Sim.key(dev)) }", with: "kms_key: \(Sim.key(dev)), copy_into_account: true }")

    static func scenario(devClusterQuota: Int) throws -> SimScenario {
        let policy = try JSONDecoder().decode(SimJSON.self, from: Data("""
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*",
             "Principal": {"AWS": ["arn:aws:iam::\(Sim.prod):root", "arn:aws:iam::\(dev):root"]}}]}
            """.utf8))
        return SimScenario(
            start: "2026-12-01T00:00:00Z", regions: [Sim.region],
            accounts: [SimScenario.Account(id: Sim.prod), SimScenario.Account(id: dev, quotas: .init(dbClusters: devClusterQuota))],
            kmsKeys: [SimScenario.KMSKey(arn: Sim.prodKey, policy: policy), SimScenario.KMSKey(arn: Sim.key(dev))],
            dbSubnetGroups: [SimScenario.SubnetGroup(account: dev, region: Sim.region, name: "dev-db")],
            securityGroups: [SimScenario.SecurityGroup(account: dev, region: Sim.region, id: "sg-00000000000000de1")],
            clusters: [
                SimScenario.Cluster(account: Sim.prod, region: Sim.region, id: "orders-prod", backupWindow: "23:00-23:30"),
                SimScenario.Cluster(account: dev, region: Sim.region, id: "orders-dev", instances: 1,
                                    tags: ["snapferry:managed": "true", "snapferry:fleet": "acme", "snapferry:source": "orders",
                                           "snapferry:slot": "2026-11-30T03:30:00Z", "snapferry:target": "orders-dev"]),
            ])
    }

    /// This suite's world, night by night, with new engines each night (as `apply` from cron runs them).
    struct Nights {
        let config: FleetConfig
        let clock: ManualClock
        let world: SimWorld
        let store = MemoryStateStore()

        init(devClusterQuota: Int, yaml: String = RefreshQuotaTests.yaml, durations: SimScenario.Durations? = nil,
             edit: (inout SimScenario) -> Void = { _ in }) throws {
            config = try FleetLoader.load(yaml: yaml, file: "fleet.yaml").get()
            let clock = ManualClock(start: Sim.start)
            var scenario = try RefreshQuotaTests.scenario(devClusterQuota: devClusterQuota)
            if let durations { scenario.durations = durations }
            edit(&scenario)
            world = try SimWorld(scenario: scenario, now: { clock.nowDate })
            self.clock = clock
        }

        /// Rotation at 01:00, then the refreshes at 03:30 of `night`; outcomes by target.
        /// `event`: something done to the refresh run at a moment of its night (see `inVirtualTime`).
        func run(_ night: Int, holds: SourceHolds? = nil, stages: StageDurations = StageDurations(),
                 event: (at: ManualClock.Instant, run: @Sendable () async -> Void)? = nil) async throws -> [String: RefreshOutcome] {
            let base = Int64(night) * 86400
            let rotateAt = Sim.start.addingTimeInterval(Double(base + 3600))
            if clock.nowDate < rotateAt { clock.advance(to: ManualClock.Instant(offset: .seconds(base + 3600))) }
            var rotation = RotationEngine(config: config, aws: SimFleetAWS(world: world), store: store, clock: AnyClock(clock),
                                          wallNow: { [clock] in clock.nowDate })
            rotation.pollInitial = .seconds(30)
            rotation.pollMax = .seconds(300)
            let rotate = rotation
            _ = try #require(await Sim.inVirtualTime(clock) { await rotate.apply(at: rotateAt) })
            let refreshAt = Sim.start.addingTimeInterval(Double(base + 3 * 3600 + 1800))
            if clock.nowDate < refreshAt { clock.advance(to: ManualClock.Instant(offset: .seconds(base + 3 * 3600 + 1800))) }
            var engine = RefreshEngine(config: config, aws: SimFleetAWS(world: world), store: store, clock: AnyClock(clock),
                                       wallNow: { [clock] in clock.nowDate })
            engine.pollInitial = .seconds(30)
            engine.pollMax = .seconds(300)
            engine.stages = stages
            let refresh = engine
            let results = try #require(await Sim.inVirtualTime(clock, event: event) { await refresh.run(at: refreshAt, holds: holds) })
            return Dictionary(uniqueKeysWithValues: results.map { ($0.target, $0.outcome) })
        }
    }

    /// The first night; outcomes by target.
    func night(devClusterQuota: Int, yaml: String = Self.yaml,
               durations: SimScenario.Durations? = nil) async throws -> ([String: RefreshOutcome], SimWorld) {
        let nights = try Nights(devClusterQuota: devClusterQuota, yaml: yaml, durations: durations)
        return (try await nights.run(0), nights.world)
    }

    @Test func roomForOneMoreCluster_twoRefreshesTakeTurns_andBothComplete() async throws {
        // orders-dev exists: a quota of 2 leaves room for one restore at a time.
        let (outcomes, world) = try await night(devClusterQuota: 2)
        guard case .refreshed = outcomes["orders-dev"], case .refreshed = outcomes["billing-dev"] else { Issue.record("\(outcomes)"); return }
        let devCalls = await world.calls().filter { $0.account == Self.dev }
        #expect(!devCalls.contains { $0.code?.contains("Quota") == true }, "\(devCalls.compactMap(\.code))")
        // Taking turns: the second restore is made only after the first refresh deleted the cluster it replaced.
        let restores = devCalls.enumerated().filter { $0.element.operation == "RestoreDBClusterFromSnapshot" && $0.element.status == 200 }
        let deletes = devCalls.enumerated().filter { $0.element.operation == "DeleteDBCluster" && $0.element.status == 200 }
        #expect(restores.count == 2 && deletes.count == 1, "\(restores.count) restores, \(deletes.count) deletes")
        if restores.count == 2, let delete = deletes.first { #expect(restores[0].offset < delete.offset && delete.offset < restores[1].offset) }
        let clusters = try await SimRDS(world: world, caller: .account(Self.dev), region: Sim.region).describeDBClusters(.init()).items
        #expect(clusters.map(\.identifier).sorted() == ["billing-dev", "orders-dev"])
    }

    @Test func noRoomAtAll_theRefreshIsSkippedWithTheQuotaAndWhatToDo_andNothingIsMade() async throws {
        let (outcomes, world) = try await night(devClusterQuota: 1)
        for target in ["orders-dev", "billing-dev"] {
            guard case .skipped(let why) = outcomes[target] else { Issue.record("\(target): \(String(describing: outcomes[target]))"); continue }
            #expect(why.contains("DB clusters quota is full (DBClusters 1 of 1") && why.contains("Service Quotas"), "\(why)")
        }
        let mutations = await world.calls().filter { $0.account == Self.dev && $0.operation.hasPrefix("Describe") == false }
        #expect(mutations.isEmpty, "\(mutations.map(\.operation))")
    }

    /// `max_copies_per_region: 1`: the second target's in-account copy starts only once the first one's
    /// has finished (its restore, which reads the copy, comes first).
    @Test func inAccountCopiesKeepToTheCopyBudget() async throws {
        #expect(Self.copyingYAML.contains("copy_into_account: true }") && Self.copyingYAML.contains("max_copies_per_region: 1"))
        let (outcomes, world) = try await night(devClusterQuota: 40, yaml: Self.copyingYAML)
        guard case .refreshed = outcomes["orders-dev"], case .refreshed = outcomes["billing-dev"] else { Issue.record("\(outcomes)"); return }
        let devCalls = await world.calls().filter { $0.account == Self.dev && $0.status == 200 }
        let copies = devCalls.filter { $0.operation == "CopyDBClusterSnapshot" }
        let restores = devCalls.filter { $0.operation == "RestoreDBClusterFromSnapshot" }
        try #require(copies.count == 2 && restores.count == 2, "\(copies.count) copies, \(restores.count) restores")
        #expect(copies[1].time >= restores[0].time, "the second copy started at \(copies[1].time), before the first restore at \(restores[0].time)")
    }
}
