import AWSKit
import AWSSimulator
import Foundation
import SnapferryConfig
import SnapferryCore
import SnapferryEngine
import SnapferryStore
import SnapferryTestSupport
import Testing

/// A simulated week, in virtual time: 2 sources × 6 targets in 4 target accounts, rotated at 01:00
/// and refreshed at 03:30 every night by one engine pair (a daemon's life). Every morning each
/// target's stable cluster is that night's, under the target's key, with its instances under the
/// stable names, and nothing else is left in the target accounts. Prints the figures the issue asks
/// for: wall time, simulated makespan, AWS calls per refresh, most refreshes (each one restore) at once.
@Suite struct RefreshWeekTests {
    static let start = Date(timeIntervalSince1970: 1_796_083_200)  // 2026-12-01T00:00:00Z
    static let region = "eu-west-1"
    static let sources = [("alpha", "100000000001"), ("bravo", "100000000002")]
    static let targetAccounts = ["200000000001", "200000000002", "200000000003", "200000000004"]
    static func cmk(_ account: String) -> String { "arn:aws:kms:eu-west-1:\(account):key/0c000000-1111-2222-3333-\(account)" }

    /// Target k (1…6) of a source lives in account ((k - 1) mod 4) + 1.
    static func targets() -> [(name: String, source: String, account: Int)] {
        sources.flatMap { source in (1...6).map { k in (name: "\(source.0)-t\(k)", source: source.0, account: (k - 1) % 4 + 1) } }
    }

    static func fleetYAML() -> String {
        var yaml = "version: 1\nfleet: week\ndefaults: { region: \(region) }\naccounts:\n"
        for (name, id) in sources { yaml += "  src-\(name): { id: \"\(id)\" }\n" }
        for (i, id) in targetAccounts.enumerated() { yaml += "  acct\(i + 1): { id: \"\(id)\" }\n" }
        yaml += "sources:\n"
        for (name, id) in sources {
            yaml += "  - { name: \(name), account: src-\(name), cluster: \(name)-prod, schedule: \"0 1 * * *\", kms_key: \(cmk(id)),\n"
            yaml += "      retention: { keep_last: 2 }, share_with: [acct1, acct2, acct3, acct4] }\n"
        }
        yaml += "targets:\n"
        for t in targets() {
            let account = targetAccounts[t.account - 1]
            yaml += """
              - { name: \(t.name), source: \(t.source), account: acct\(t.account), schedule: "30 3 * * *", cluster: \(t.name),
                  instances: [{ class: db.r6g.large }], subnet_group: db, security_groups: [sg-0000000000000\(t.account)001],
                  kms_key: "\(cmk(account))", copy_into_account: \(t.name.hasSuffix("1") || t.name.hasSuffix("4")) }

            """
        }
        return yaml
    }

    static func scenario() throws -> SimScenario {
        let everyone = ([sources.map(\.1)] + [targetAccounts]).flatMap { $0 }.map { "\"arn:aws:iam::\($0):root\"" }.joined(separator: ", ")
        let policy = try JSONDecoder().decode(SimJSON.self, from: Data("""
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*", "Principal": {"AWS": [\(everyone)]}}]}
            """.utf8))
        return SimScenario(
            start: "2026-12-01T00:00:00Z", regions: [region],
            accounts: (sources.map(\.1) + targetAccounts).map { SimScenario.Account(id: $0) },
            kmsKeys: sources.map { SimScenario.KMSKey(arn: cmk($0.1), policy: policy) } + targetAccounts.map { SimScenario.KMSKey(arn: cmk($0)) },
            dbSubnetGroups: targetAccounts.map { SimScenario.SubnetGroup(account: $0, region: region, name: "db") },
            securityGroups: targetAccounts.enumerated().map { SimScenario.SecurityGroup(account: $1, region: region, id: "sg-0000000000000\($0 + 1)001") },
            clusters: sources.map { SimScenario.Cluster(account: $0.1, region: region, id: "\($0.0)-prod", backupWindow: "23:00-23:30") })
    }

    @Test func aWeekOfNightlyRefreshes_everyMorningEachTargetServesThatNight() async throws {
        let wallStart = ContinuousClock.now
        let config = try FleetLoader.load(yaml: Self.fleetYAML(), file: "fleet.yaml").get()
        let clock = ManualClock(start: Self.start)
        let world = try SimWorld(scenario: try Self.scenario(), now: { clock.nowDate })
        let store = MemoryStateStore()
        var rotation = RotationEngine(config: config, aws: SimFleetAWS(world: world), store: store, clock: AnyClock(clock),
                                      wallNow: { clock.nowDate })
        rotation.pollInitial = .seconds(30)
        rotation.pollMax = .seconds(300)
        var refresh = RefreshEngine(config: config, aws: SimFleetAWS(world: world), store: store, clock: AnyClock(clock),
                                    wallNow: { clock.nowDate })
        refresh.pollInitial = .seconds(30)
        refresh.pollMax = .seconds(300)
        let (rotationEngine, refreshEngine) = (rotation, refresh)
        var makespans: [TimeInterval] = []
        var callsPerRefresh: [Double] = []
        var mostRestoresAtOnce = 0

        for night in 0..<7 {
            let rotateAt = Self.start.addingTimeInterval(Double(night) * 86400 + 3600)
            if clock.nowDate < rotateAt { clock.advance(to: ManualClock.Instant(offset: .seconds(Int64(rotateAt.timeIntervalSince(Self.start))))) }
            let rotated = try #require(await RefreshEngineSimTests.inVirtualTime(clock) { await rotationEngine.apply(at: rotateAt) })
            #expect(rotated.allSatisfy { $0.succeeded }, "night \(night)")
            let refreshAt = Self.start.addingTimeInterval(Double(night) * 86400 + 3 * 3600 + 1800)
            if clock.nowDate < refreshAt { clock.advance(to: ManualClock.Instant(offset: .seconds(Int64(refreshAt.timeIntervalSince(Self.start))))) }
            let before = await world.calls().count
            let results = try #require(await RefreshEngineSimTests.inVirtualTime(clock) { await refreshEngine.run(at: refreshAt) })
            makespans.append(clock.nowDate.timeIntervalSince(refreshAt))
            let calls = Array(await world.calls()[before...])
            callsPerRefresh.append(Double(calls.count) / Double(results.count))
            let tonight = try await store.operations(states: [.succeeded, .failed], source: nil, limit: 1000)
                .filter { $0.kind == "refresh" && $0.createdAt >= refreshAt }
            mostRestoresAtOnce = max(mostRestoresAtOnce, Self.mostAtOnce(tonight))
            #expect(results.count == 12)
            for r in results {
                guard case .refreshed = r.outcome else { Issue.record("night \(night) \(r.target): \(r.outcome)"); continue }
            }
            // Every morning, as each target account sees it.
            let slotTag = AWSTimestamp.formatSeconds(refreshAt)
            for (index, account) in Self.targetAccounts.enumerated() {
                let rds = SimRDS(world: world, caller: .account(account), region: Self.region)
                let mine = Self.targets().filter { $0.account == index + 1 }.map(\.name).sorted()
                let clusters = try await rds.describeDBClusters(.init()).items
                #expect(clusters.map(\.identifier).sorted() == mine, "night \(night) account \(account)")
                #expect(clusters.allSatisfy { $0.status == "available" && $0.tags.dictionary["snapferry:slot"] == slotTag && $0.kmsKeyId == Self.cmk(account) })
                let instances = try await rds.describeDBInstances(.init()).items
                #expect(instances.map(\.identifier).sorted() == mine.map { "\($0)-1" }, "night \(night) account \(account)")
                #expect(try await rds.describeDBClusterSnapshots(.init(snapshotType: "manual")).items.isEmpty)
            }
        }
        #expect(mostRestoresAtOnce <= config.defaults.limits.maxParallelPerAccount * Self.targetAccounts.count)
        #expect(mostRestoresAtOnce > 1, "refreshes should overlap")
        let wall = ContinuousClock.now - wallStart
        print("refresh week: wall \(wall.formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 1)))), "
              + "simulated makespan per night \(makespans.map { "\(Int($0 / 60)) min" }.joined(separator: ", ")), "
              + "AWS calls per refresh \(callsPerRefresh.map { String(format: "%.1f", $0) }.joined(separator: ", ")), "
              + "most restores at once \(mostRestoresAtOnce)")
    }

    /// The most refresh transactions in flight at one time, from the journal (begun → finished).
    static func mostAtOnce(_ operations: [OperationRecord]) -> Int {
        let events = operations.flatMap { [($0.createdAt, 1), ($0.updatedAt, -1)] }.sorted { ($0.0, $0.1) < ($1.0, $1.1) }
        var current = 0, most = 0
        for (_, delta) in events {
            current += delta
            most = max(most, current)
        }
        return most
    }
}
