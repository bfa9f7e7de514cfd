import AWSKit
import AWSSimulator
import Foundation
import SnapferryConfig
import SnapferryEngine
import SnapferryStore
import SnapferryTestSupport
import Testing

/// `retire: { final_snapshot: true, keep_final_snapshots: 2 }` over four nights: each retired cluster
/// leaves a final snapshot tagged as this fleet's and target's and recorded under the target; the
/// newest two are kept, older ones deleted; the team's own snapshot is never touched.
@Suite struct RefreshFinalSnapshotTests {
    typealias Sim = RefreshEngineSimTests

    static func final(night: Int) -> String { String(format: "orders-dev-old-202612%02d0330-final", night + 1) }

    @Test func eachRetiredClusterLeavesATaggedRecordedFinalSnapshot_andOnlyTheNewestTwoAreKept() async throws {
        let fleet = try RefreshFailureTests.Fleet(edit: {
            $0.replacingOccurrences(of: "tags: { env: dev }", with: "tags: { env: dev }\n    retire: { final_snapshot: true, keep_final_snapshots: 2 }")
        })
        #expect(fleet.config.targets.first { $0.name == "orders-dev" }?.keepFinalSnapshots == 2)
        // The team's own snapshot of its cluster.
        _ = try await fleet.rds(Sim.dev).createDBClusterSnapshot(identifier: "team-keep", clusterIdentifier: "orders-dev", tags: [])

        for night in 0..<4 {
            let outcomes = try await fleet.night(night, targets: ["orders-dev"])
            guard case .refreshed = outcomes["orders-dev"] else { Issue.record("night \(night): \(outcomes)"); return }
            let snapshots = try await fleet.rds(Sim.dev).describeDBClusterSnapshots(.init(snapshotType: "manual")).items
            let kept = Array(max(0, night - 1)...night).map(Self.final)
            #expect(snapshots.map(\.identifier).sorted() == (kept + ["team-keep"]).sorted(), "night \(night): \(snapshots.map(\.identifier))")
            for snapshot in snapshots where snapshot.identifier != "team-keep" {
                let tags = snapshot.tags.dictionary
                #expect(tags["snapferry:managed"] == "true" && tags["snapferry:fleet"] == "acme" && tags["snapferry:target"] == "orders-dev",
                        "night \(night) \(snapshot.identifier): \(tags)")
            }
            let recorded = try await fleet.store.ownedSnapshots(source: OwnedSnapshot.owner(target: "orders-dev"))
            #expect(recorded.map(\.identifier).sorted() == kept, "night \(night)")
            #expect(recorded.allSatisfy { $0.role == .finalSnapshot && $0.account == Sim.dev })
        }
        // Rotation's records of the source never include them.
        #expect(try await fleet.store.ownedSnapshots(source: "orders").allSatisfy { $0.role != .finalSnapshot })
    }

    /// Safety rule: a recorded final snapshot that no longer carries this fleet's tags is never deleted.
    @Test func aRecordedFinalSnapshotThatLostItsTags_isKept() async throws {
        let fleet = try RefreshFailureTests.Fleet(edit: {
            $0.replacingOccurrences(of: "tags: { env: dev }", with: "tags: { env: dev }\n    retire: { final_snapshot: true, keep_final_snapshots: 1 }")
        })
        _ = try await fleet.night(0, targets: ["orders-dev"])
        let first = try #require(try await fleet.rds(Sim.dev).describeDBClusterSnapshots(.init(snapshotType: "manual")).items.first)
        #expect(first.identifier == Self.final(night: 0))
        _ = await fleet.world.execute(.removeTagsFromResource(arn: first.arn, keys: ["snapferry:fleet"]),
                                      caller: .account(Sim.dev), region: Sim.region)
        let untagged = try await fleet.rds(Sim.dev).describeDBClusterSnapshots(.init(snapshotType: "manual")).items.first
        try #require(untagged?.tags.dictionary["snapferry:fleet"] == nil, "the tag was not removed")
        _ = try await fleet.night(1, targets: ["orders-dev"])
        let ids = try await fleet.rds(Sim.dev).describeDBClusterSnapshots(.init(snapshotType: "manual")).items.map(\.identifier).sorted()
        // keep_final_snapshots: 1 would prune night 0's, but it is no longer tagged as this fleet's.
        #expect(ids == [Self.final(night: 0), Self.final(night: 1)])
    }
}
