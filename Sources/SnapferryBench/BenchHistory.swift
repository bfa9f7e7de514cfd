import AWSSimulator
import Foundation
import SnapferryCore
import SnapferryStore

/// The nights before the benchmark's: for every source, one slot per retained day with its carriers,
/// shared as they would have been, so that the measured night is a steady-state one (it prunes the
/// slot leaving retention, and every listing holds a full retention's worth of snapshots).
///
/// For snapferry they carry its tags and are recorded in its state database, as after real nights;
/// for the naive strategy they carry its `CreatedBy` tag.
enum BenchHistory {
    struct Slot {
        var source: Int
        var slot: Date
        /// Identifier, and the accounts it carries (empty: a primary that carries none).
        var snapshots: [(id: String, carries: [String], isCopy: Bool)]
    }

    static func slots(_ spec: BenchFleetSpec, naive: Bool) -> [Slot] {
        var slots: [Slot] = []
        // The naive strategy spreads accounts over its copies in sorted order; snapferry as it plans them.
        let sorted = (0..<spec.targetAccounts).map(BenchFleet.targetAccount)
        let orders = (0..<spec.sources).map { naive ? sorted : BenchFleet.shareOrder(ofSource: $0, spec: spec) }
        for day in 1...max(1, spec.retentionDays) {
            let slot = BenchFleet.day.addingTimeInterval(Double(BenchFleet.slotHour * 3600 - day * 86_400))
            for i in 0..<spec.sources {
                let underCMK = !spec.underDefaultKey(i)
                var snapshots: [(id: String, carries: [String], isCopy: Bool)] = []
                let primary = naive ? "lambda-\(BenchFleet.sourceName(i))-\(stamp(slot))"
                    : SnapshotName(source: BenchFleet.sourceName(i), slot: slot).description
                for n in 0...spec.carriersPerSource {
                    if n == 0 && !underCMK { snapshots.append((primary, [], false)); continue }
                    if n == 0 { continue }
                    let accounts = orders[i]
                    let carried = Array(accounts[((n - 1) * 20)..<min(accounts.count, n * 20)]).sorted()
                    if n == 1 && underCMK {
                        snapshots.insert((primary, carried, false), at: 0)
                    } else {
                        let id = naive ? "\(primary)-c\(n)"
                            : SnapshotName(source: BenchFleet.sourceName(i), slot: slot, shareCopy: n).description
                        snapshots.append((id, carried, true))
                    }
                }
                slots.append(Slot(source: i, slot: slot, snapshots: snapshots))
            }
        }
        return slots
    }

    static func snapshots(_ spec: BenchFleetSpec, naive: Bool) -> [SimScenario.ClusterSnapshot] {
        slots(spec, naive: naive).flatMap { s -> [SimScenario.ClusterSnapshot] in
            let account = BenchFleet.sourceAccount(s.source / spec.sourcesPerAccount)
            let source = BenchFleet.sourceName(s.source)
            let tags = naive ? ["CreatedBy": "lambda"]
                : ["snapferry:managed": "true", "snapferry:fleet": "bench", "snapferry:source": source,
                   "snapferry:slot": AWSTimestampText.iso(s.slot)]
            return s.snapshots.map {
                SimScenario.ClusterSnapshot(account: account, region: BenchFleet.region, id: $0.id, cluster: "\(source)-prod",
                                            created: AWSTimestampText.iso(s.slot), tags: tags, sharedWith: $0.carries,
                                            kmsKey: $0.isCopy || !spec.underDefaultKey(s.source) ? BenchFleet.cmk(account) : "alias/aws/rds")
            }
        }
    }

    /// snapferry's records of those snapshots.
    static func record(_ spec: BenchFleetSpec, in store: any StateStore) async throws {
        for record in records(spec) { try await store.recordSnapshot(record) }
    }

    static func records(_ spec: BenchFleetSpec) -> [OwnedSnapshot] {
        var records: [OwnedSnapshot] = []
        for s in slots(spec, naive: false) {
            let account = BenchFleet.sourceAccount(s.source / spec.sourcesPerAccount)
            let primary = s.snapshots.first { !$0.isCopy }?.id
            for snapshot in s.snapshots {
                records.append(OwnedSnapshot(
                    identifier: snapshot.id, source: BenchFleet.sourceName(s.source), account: account, region: BenchFleet.region,
                    slot: s.slot, role: snapshot.isCopy ? .shareCopy : .primary, copiedFrom: snapshot.isCopy ? primary : nil,
                    arn: "arn:aws:rds:\(BenchFleet.region):\(account):cluster-snapshot:\(snapshot.id)",
                    sharedWith: snapshot.carries, createdAt: s.slot))
            }
        }
        return records
    }

    static func stamp(_ date: Date) -> String {
        String(AWSTimestampText.iso(date).prefix(10).replacingOccurrences(of: "-", with: ""))
    }
}
