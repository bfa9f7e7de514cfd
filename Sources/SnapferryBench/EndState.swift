import AWSKit
import AWSSimulator
import Foundation

/// What AWS holds at the end of a run, read from the simulator directly (not from what the
/// strategy believes): the oracle of whether a night's refreshes happened.
enum EndState {
    /// Targets no new cluster was renamed to within the day from `since`.
    static func targetsNotRefreshed(_ fleet: BenchFleet, world: SimWorld, since: Date) async throws -> [String] {
        let until = since.addingTimeInterval(86_400)
        let restoredAfter = Set(await world.work().filter { $0.kind == .renameCluster && $0.start >= since && $0.start < until }.map(\.id))
        var missing: [String] = []
        for k in 0..<fleet.spec.targetAccounts {
            for j in 0..<fleet.spec.refreshesPerAccount {
                let name = BenchFleet.targetName(account: k, j)
                if !restoredAfter.contains(name) { missing.append(name) }
            }
        }
        return missing
    }
}
