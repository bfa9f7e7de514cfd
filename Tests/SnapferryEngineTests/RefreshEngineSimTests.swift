import AWSKit
import AWSSimulator
import Foundation
import SnapferryConfig
import SnapferryCore
import SnapferryEngine
import SnapferryStore
import SnapferryTestSupport
import Testing

/// Rotation then refresh on one simulated AWS in virtual time, read back as the target accounts
/// see it. Targets: `orders-dev` replaces a cluster an earlier refresh made (re-keyed on restore,
/// two instances); `orders-test` is the first refresh of its account (copy into the account,
/// post_restore hook, managed master password); `orders-qa` finds a cluster snapferry did not make.
@Suite struct RefreshEngineSimTests {
    static let start = Date(timeIntervalSince1970: 1_796_083_200)  // 2026-12-01T00:00:00Z
    static let region = "eu-west-1"
    static let prod = "100000000001", dev = "200000000001", test = "200000000002", qa = "200000000003"
    static let prodKey = "arn:aws:kms:eu-west-1:100000000001:key/0a000000-1111-2222-3333-444455556601"
    static func key(_ account: String) -> String { "arn:aws:kms:eu-west-1:\(account):key/0b000000-1111-2222-3333-\(account)" }

    static let fleetYAML = """
        version: 1
        fleet: acme
        defaults: { region: eu-west-1 }
        accounts:
          prod: { id: "\(prod)" }
          dev: { id: "\(dev)" }
          test: { id: "\(test)" }
          qa: { id: "\(qa)" }
        sources:
          - { name: orders, account: prod, cluster: orders-prod, schedule: "0 1 * * *", kms_key: \(prodKey),
              retention: { keep_last: 2 }, share_with: [dev, test, qa] }
        targets:
          - name: orders-dev
            source: orders
            account: dev
            schedule: "30 3 * * *"
            cluster: orders-dev
            instances: [{ class: db.r6g.large, count: 2 }]
            subnet_group: dev-db
            security_groups: [sg-00000000000000de1]
            kms_key: \(key(dev))
            tags: { env: dev }
          - name: orders-test
            source: orders
            account: test
            schedule: "30 3 * * *"
            cluster: orders-test
            instances: [{ class: db.r6g.large }]
            subnet_group: test-db
            security_groups: [sg-00000000000000ae1]
            kms_key: \(key(test))
            copy_into_account: true
            master_password: managed
            post_restore: { command: ["/bin/sh", "-c", "test \\"$SNAPFERRY_STABLE_CLUSTER\\" = orders-test"], timeout: 1m }
          - name: orders-qa
            source: orders
            account: qa
            schedule: "30 3 * * *"
            cluster: orders-qa
            instances: [{ class: db.r6g.large }]
            subnet_group: qa-db
            security_groups: [sg-00000000000000aa1]
            kms_key: \(key(qa))
        """

    static func scenario() throws -> SimScenario {
        let policy = try JSONDecoder().decode(SimJSON.self, from: Data("""
            {"Version": "2012-10-17", "Statement": [{"Sid": "fleet", "Effect": "Allow", "Action": "kms:*", "Resource": "*",
             "Principal": {"AWS": ["arn:aws:iam::\(prod):root", "arn:aws:iam::\(dev):root", "arn:aws:iam::\(test):root",
                                   "arn:aws:iam::\(qa):root"]}}]}
            """.utf8))
        let targets = [(dev, "dev"), (test, "test"), (qa, "qa")]
        return SimScenario(
            start: "2026-12-01T00:00:00Z", regions: [region], accounts: [prod, dev, test, qa].map { SimScenario.Account(id: $0) },
            kmsKeys: [SimScenario.KMSKey(arn: prodKey, policy: policy)] + targets.map { SimScenario.KMSKey(arn: key($0.0)) },
            dbSubnetGroups: targets.map { SimScenario.SubnetGroup(account: $0.0, region: region, name: "\($0.1)-db") },
            securityGroups: [SimScenario.SecurityGroup(account: dev, region: region, id: "sg-00000000000000de1"),
                             SimScenario.SecurityGroup(account: test, region: region, id: "sg-00000000000000ae1"),
                             SimScenario.SecurityGroup(account: qa, region: region, id: "sg-00000000000000aa1")],
            clusters: [
                SimScenario.Cluster(account: prod, region: region, id: "orders-prod", backupWindow: "23:00-23:30"),
                // What an earlier refresh left: snapferry's tags for this target.
                SimScenario.Cluster(account: dev, region: region, id: "orders-dev", instances: 2,
                                    tags: ["snapferry:managed": "true", "snapferry:fleet": "acme", "snapferry:source": "orders",
                                           "snapferry:slot": "2026-11-30T03:30:00Z", "snapferry:target": "orders-dev"]),
                // A team's own cluster under the name the fleet file gives.
                SimScenario.Cluster(account: qa, region: region, id: "orders-qa", tags: ["team": "qa"]),
            ])
    }

    /// Runs `body` while moving `clock` to each parked sleeper's deadline (polls take no wall time);
    /// `event` runs once when the clock would first move past its instant, with the clock stopped there.
    static func inVirtualTime<T: Sendable>(_ clock: ManualClock, event: (at: ManualClock.Instant, run: @Sendable () async -> Void)? = nil,
                                           _ body: @escaping @Sendable () async -> T) async -> T? {
        let box = ResultBox<T>()
        let task = Task { await box.set(await body()) }
        var event = event
        for _ in 0..<200_000 {
            if let value = await box.value { return value }
            try? await Task.sleep(for: .milliseconds(1))
            if await box.value == nil, clock.sleepers() > 0, let deadline = clock.nextDeadline() {
                if let pending = event, pending.at <= deadline {
                    clock.advance(to: pending.at)
                    await pending.run()
                    event = nil
                    continue
                }
                clock.advance(to: deadline)
            }
        }
        task.cancel()
        return nil
    }

    actor ResultBox<T: Sendable> {
        var value: T?
        func set(_ v: T) { value = v }
    }

    @Test func twoNights_eachTargetServesThatNightsSnapshotUnderItsStableNames_andNothingElseIsLeft() async throws {
        let config = try FleetLoader.load(yaml: Self.fleetYAML, file: "fleet.yaml").get()
        let clock = ManualClock(start: Self.start)
        let world = try SimWorld(scenario: try Self.scenario(), now: { clock.nowDate })
        let aws = SimFleetAWS(world: world)
        let store = MemoryStateStore()
        var rotation = RotationEngine(config: config, aws: aws, store: store, clock: AnyClock(clock), wallNow: { clock.nowDate })
        rotation.pollInitial = .seconds(30)
        rotation.pollMax = .seconds(300)
        var refresh = RefreshEngine(config: config, aws: aws, store: store, clock: AnyClock(clock), wallNow: { clock.nowDate })
        refresh.pollInitial = .seconds(30)
        refresh.pollMax = .seconds(300)
        let (rotationEngine, refreshEngine) = (rotation, refresh)
        let qaBefore = try await SimRDS(world: world, caller: .account(Self.qa), region: Self.region)
            .describeDBClusters(.init(clusterIdentifier: "orders-qa")).items

        for night in 0..<2 {
            let rotateAt = Self.start.addingTimeInterval(Double(night) * 86400 + 3600)
            clock.advance(to: ManualClock.Instant(offset: .seconds(Int64(rotateAt.timeIntervalSince(Self.start)))))
            let rotated = try #require(await Self.inVirtualTime(clock) { await rotationEngine.apply(at: rotateAt) })
            #expect(rotated.allSatisfy { $0.succeeded }, "\(rotated.map { $0.failure ?? "" })")

            let refreshAt = Self.start.addingTimeInterval(Double(night) * 86400 + 3 * 3600 + 1800)
            if clock.nowDate < refreshAt {
                clock.advance(to: ManualClock.Instant(offset: .seconds(Int64(refreshAt.timeIntervalSince(Self.start)))))
            }
            let results = try #require(await Self.inVirtualTime(clock) { await refreshEngine.run(at: refreshAt) })
            let byTarget = Dictionary(uniqueKeysWithValues: results.map { ($0.target, $0.outcome) })
            // The primary is under aws/rds, so the carrier shared with the three accounts is the `-s1` copy under the source CMK.
            let snapshot = SnapshotName(source: "orders", slot: Self.start.addingTimeInterval(Double(night) * 86400 + 3600), shareCopy: 1).description
            #expect(byTarget["orders-dev"] == .refreshed(snapshot: snapshot), "night \(night): \(results)")
            #expect(byTarget["orders-test"] == .refreshed(snapshot: snapshot), "night \(night): \(results)")
            guard case .refused(let why) = byTarget["orders-qa"] else { Issue.record("night \(night): \(results)"); continue }
            #expect(why.contains("set `adopt: true` on target orders-qa"))

            let slotTag = AWSTimestamp.formatSeconds(refreshAt)
            for (account, name, instances) in [(Self.dev, "orders-dev", ["orders-dev-1", "orders-dev-2"]), (Self.test, "orders-test", ["orders-test-1"])] {
                let rds = SimRDS(world: world, caller: .account(account), region: Self.region)
                let clusters = try await rds.describeDBClusters(.init()).items
                #expect(clusters.map(\.identifier) == [name], "night \(night) \(account): \(clusters.map(\.identifier))")
                let cluster = try #require(clusters.first)
                #expect(cluster.status == "available")
                #expect(cluster.tags.dictionary["snapferry:slot"] == slotTag)
                #expect(cluster.tags.dictionary["snapferry:target"] == name)
                #expect(cluster.kmsKeyId == Self.key(account))
                #expect(cluster.deletionProtection == false)
                let live = try await rds.describeDBInstances(.init()).items
                #expect(live.map(\.identifier).sorted() == instances, "night \(night) \(account)")
                #expect(live.allSatisfy { $0.clusterIdentifier == name && $0.status == "available" })
                #expect(try await rds.describeDBClusterSnapshots(.init(snapshotType: "manual")).items.isEmpty,
                        "night \(night) \(account): the in-account copy is gone")
                if name == "orders-dev" { #expect(cluster.tags.dictionary["env"] == "dev") }
                if name == "orders-test" { #expect(cluster.masterUserSecretArn?.hasPrefix("arn:aws:secretsmanager:eu-west-1:\(Self.test):secret:") == true) }
            }
            let qaNow = try await SimRDS(world: world, caller: .account(Self.qa), region: Self.region).describeDBClusters(.init()).items
            #expect(qaNow == qaBefore, "the team's own cluster is left as it was")
        }
        let journal = try await store.operations(states: [.succeeded], source: "orders-dev", limit: 10).filter { $0.kind == "refresh" }
        #expect(journal.count == 2)
        #expect(try await store.operations(states: [.running, .waiting], source: nil, limit: 100).filter { $0.kind == "refresh" }.isEmpty)
    }
}
