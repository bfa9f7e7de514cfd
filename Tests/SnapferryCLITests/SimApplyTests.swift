import Foundation
import SnapferryTestSupport
import Testing

/// `snapferry apply`, `status` and `plan` through the built binary against `snapferry-sim` over the wire.
@Suite(.timeLimit(.minutes(3))) struct SimApplyTests {
    static let slotFormat = "snapferry-orders-202612%02d-0200"

    @Test func fiveDailyApplies_keepLast2_twoTargets_snapshotSharedAndPruned_legacyUntouched() async throws {
        let fixture = try SimFleetFixture(
            label: "sim-apply", fleet: "e2e", clusters: ["orders-prod"],
            shareAccounts: ["dev": "222222222222", "staging": "333333333333"],
            sources: [.init(name: "orders", cluster: "orders-prod", shareWith: ["dev", "staging"], keepLast: 2)])
        defer { fixture.remove() }
        let sim = try await SimProcess.start(scenarioPath: fixture.scenarioPath, timeScale: 300)
        defer { sim.stop() }
        try fixture.writeFleet(endpoint: sim.endpoint)

        for day in 1...5 {
            let at = String(format: "2026-12-%02dT03:00:00Z", day)
            let r = try await fixture.snapferry(["apply", "--at", at, "--yes"])
            #expect(r.status == 0, "day \(day): \(r.stdout)\n\(r.stderr)")
            let snapshots = try await fixture.inventory(sim, cluster: "orders-prod")
            let byID = Dictionary(uniqueKeysWithValues: snapshots.map { ($0.id, $0) })
            let today = String(format: Self.slotFormat, day)
            let primary = try #require(byID[today], "day \(day): \(today) missing; have \(snapshots.map(\.id))")
            #expect(primary.status == "available")
            #expect(primary.tags == ["snapferry:managed": "true", "snapferry:fleet": "e2e", "snapferry:source": "orders",
                                     "snapferry:slot": String(format: "2026-12-%02dT02:00:00Z", day)])
            let carrier = try #require(byID[today + "-s1"], "day \(day): \(today)-s1 missing")
            #expect(carrier.sharedWith == ["222222222222", "333333333333"])
            #expect(carrier.kmsKeyId == SimFleetFixture.cmk)
            #expect(primary.sharedWith.isEmpty, "an aws/rds snapshot cannot be shared; only its -s1 copy is")
            let legacy = try #require(byID[SimFleetFixture.legacySnapshot], "legacy-manual-1 was deleted")
            #expect(legacy.tags.isEmpty && legacy.sharedWith.isEmpty)
            // keep_last 2: the two newest slots, each with its carrier, and nothing else of ours.
            let expected = Set((max(1, day - 1)...day).flatMap { d in [String(format: Self.slotFormat, d), String(format: Self.slotFormat, d) + "-s1"] })
            #expect(Set(snapshots.filter { $0.tags["snapferry:fleet"] == "e2e" }.map(\.id)) == expected, "day \(day)")
            try await sim.advance(seconds: 86_400)
        }

        let status = try await fixture.snapferry(["status", "--format", "json", "--at", "2026-12-05T03:00:00Z"])
        #expect(status.status == 0, "\(status.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 1)
        #expect(rows.first?["newest_snapshot"] as? String == "snapferry-orders-20261205-0200")
        #expect(rows.first?["shareable_copies"] as? [String] == ["snapferry-orders-20261205-0200-s1"])
        #expect(rows.first?["shared_accounts"] as? [String] == ["222222222222", "333333333333"])
        #expect(rows.first?["snapshots_kept"] as? Int == 2)
        #expect(rows.first?["age_seconds"] as? Int == 3600)

        let plan = try await fixture.snapferry(["plan", "--at", "2026-12-05T03:00:00Z"])
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(plan.stdout.contains("nothing to do"), "plan on a converged fleet: \(plan.stdout)")

        // The state database lists exactly what AWS holds for this fleet.
        let owned = try await StateDatabaseReader.ownedSnapshots(path: fixture.statePath).filter { !$0.deleted }
        #expect(owned.map(\.identifier) == ["snapferry-orders-20261204-0200", "snapferry-orders-20261204-0200-s1",
                                            "snapferry-orders-20261205-0200", "snapferry-orders-20261205-0200-s1"])

        // API economy: each mutation once per day, deletions only of what retention removed.
        let calls = try await sim.calls()
        let mutations = calls.filter(\.isMutation)
        func count(_ op: String) -> Int { mutations.count(where: { $0.operation == op }) }
        #expect(count("CreateDBClusterSnapshot") == 5)
        #expect(count("CopyDBClusterSnapshot") == 5)
        #expect(count("ModifyDBClusterSnapshotAttribute") == 5, "never re-share what is already shared")
        #expect(count("DeleteDBClusterSnapshot") == 6, "days 1-3: each primary and its -s1")
        #expect(mutations.allSatisfy { $0.status == 200 }, "\(mutations.filter { $0.status != 200 })")
    }

    @Test func apply_sourceClusterMissing_exits1_andNamesTheCluster() async throws {
        let fixture = try SimFleetFixture(
            label: "sim-missing", fleet: "e2e", clusters: ["orders-prod"],
            shareAccounts: ["dev": "222222222222"],
            sources: [.init(name: "orders", cluster: "orders-gone", shareWith: ["dev"], keepLast: 2)])
        defer { fixture.remove() }
        let sim = try await SimProcess.start(scenarioPath: fixture.scenarioPath, timeScale: 300)
        defer { sim.stop() }
        try fixture.writeFleet(endpoint: sim.endpoint)

        let plan = try await fixture.snapferry(["plan", "--at", "2026-12-01T03:00:00Z"])
        #expect(plan.status == 1, "plan exits 1 when a source is blocked: \(plan.stdout)\n\(plan.stderr)")
        #expect(plan.stdout.contains("BLOCKED") && plan.stdout.contains("orders-gone"), "\(plan.stdout)")
        let r = try await fixture.snapferry(["apply", "--at", "2026-12-01T03:00:00Z", "--yes"])
        #expect(r.status == 1, "\(r.stdout)\n\(r.stderr)")
        #expect((r.stdout + r.stderr).contains("orders-gone"), "the message must name the cluster: \(r.stdout)\n\(r.stderr)")
        #expect(try await sim.calls().filter(\.isMutation).isEmpty, "nothing may be created for a missing cluster")
        #expect(try await fixture.inventory(sim, cluster: "orders-prod").map(\.id) == [SimFleetFixture.legacySnapshot])
    }
}
