import AWSKit
import AWSSimulator
import Foundation
import SnapferryConfig
import SnapferryCore
import SnapferryEngine
import SnapferryStore
import SnapferryTestSupport
import Testing

/// Refresh chooses its snapshots from rotation's last look at the sources (`LatestObservations`, as
/// `apply` wires it) instead of reading the source account again; without the shared board it reads it.
@Suite struct SharedObservationTests {
    typealias Sim = RefreshEngineSimTests

    /// Rotation at 01:00 and refresh of orders-dev at 03:30; the source account's reads during the refresh.
    func sourceReadsDuringRefresh(shared: LatestObservations?) async throws -> (RefreshOutcome?, [SimCallRecord]) {
        let fleet = try RefreshFailureTests.Fleet()
        let rotateAt = Sim.start.addingTimeInterval(3600)
        fleet.clock.advance(to: ManualClock.Instant(offset: .seconds(3600)))
        var rotation = fleet.rotation()
        rotation.shared = shared
        let rotate = rotation
        _ = try #require(await Sim.inVirtualTime(fleet.clock) { await rotate.apply(at: rotateAt) })
        // The refresh right after rotation, as in `apply`.
        let mark = await fleet.world.calls().count
        var refresh = fleet.refresh()
        refresh.shared = shared
        let engine = refresh
        let results = try #require(await Sim.inVirtualTime(fleet.clock) { await engine.run(at: rotateAt.addingTimeInterval(10), targets: ["orders-dev"]) })
        let reads = await fleet.world.calls().dropFirst(mark).filter { $0.account == Sim.prod }
        return (results.first?.outcome, Array(reads))
    }

    @Test func withTheSharedBoard_refreshReadsNothingOfTheSourceAccount() async throws {
        let (outcome, reads) = try await sourceReadsDuringRefresh(shared: LatestObservations())
        guard case .refreshed = outcome else { Issue.record("\(String(describing: outcome))"); return }
        #expect(reads.isEmpty, "\(reads.map(\.operation))")
    }

    @Test func withoutIt_refreshReadsTheSourceAccountItself() async throws {
        let (outcome, reads) = try await sourceReadsDuringRefresh(shared: nil)
        guard case .refreshed = outcome else { Issue.record("\(String(describing: outcome))"); return }
        #expect(reads.contains { $0.operation == "DescribeDBClusterSnapshots" }, "\(reads.map(\.operation))")
    }
}
