import AWSKit
import AWSSimulator
import Foundation
import SnapferryConfig
import SnapferryCore
import SnapferryEngine
import SnapferryStore
import SnapferryTestSupport
import Testing

/// Three sources × 45 target accounts on one simulated AWS and one virtual clock.
///
/// - `alpha`: cluster under `alias/aws/rds`, `kms_key` = its CMK, keep_daily 7 / weekly 4 / monthly 2;
/// - `bravo`: cluster encrypted under its CMK directly (no `kms_key`), keep_last 3;
/// - `charlie`: cluster under `alias/aws/rds`, `kms_key` = its CMK, keep_within 10d.
struct FleetSimulation {
    static let start = "2026-12-01T00:00:00Z"
    static let startDate = Date(timeIntervalSince1970: 1_796_083_200)
    static let region = "eu-west-1"
    static let fleetName = "acme"
    static let targetCount = 45

    struct SourceSpec {
        var name: String
        var accountID: String
        var cmk: String
        var clusterUnderCMK: Bool
        var kmsKeyInFleet: Bool
        var retention: String
        var cluster: String { "\(name)-prod" }
        /// Carriers are `-s1…-s3` copies, or the primary itself plus `-s2`, `-s3` when it is under a CMK.
        func carriers(of primary: SnapshotName) -> [String] {
            (1...3).map { k in
                clusterUnderCMK && k == 1 ? primary.description
                    : SnapshotName(source: primary.source, slot: primary.slot, shareCopy: k).description
            }
        }
        /// Snapshots seeded before the run that snapferry must never touch.
        var untagged: String { "\(name)-manual-before-migration" }
        var taggedUnrecorded: String { "snapferry-\(name)-20261120-0100" }
    }

    static let sources = [
        SourceSpec(name: "alpha", accountID: "100000000001", cmk: "arn:aws:kms:eu-west-1:100000000001:key/0a000000-1111-2222-3333-444455556601",
                   clusterUnderCMK: false, kmsKeyInFleet: true, retention: "{ keep_daily: 7, keep_weekly: 4, keep_monthly: 2 }"),
        SourceSpec(name: "bravo", accountID: "100000000002", cmk: "arn:aws:kms:eu-west-1:100000000002:key/0b000000-1111-2222-3333-444455556602",
                   clusterUnderCMK: true, kmsKeyInFleet: false, retention: "{ keep_last: 3 }"),
        SourceSpec(name: "charlie", accountID: "100000000003", cmk: "arn:aws:kms:eu-west-1:100000000003:key/0c000000-1111-2222-3333-444455556603",
                   clusterUnderCMK: false, kmsKeyInFleet: true, retention: "{ keep_within: 10d }"),
    ]

    static let targetIDs = (1...targetCount).map { "2000000000" + String(format: "%02d", $0) }

    static func fleetYAML() -> String {
        var yaml = "version: 1\nfleet: \(fleetName)\ndefaults:\n  region: \(region)\naccounts:\n"
        for s in sources { yaml += "  src-\(s.name): { id: \"\(s.accountID)\" }\n" }
        for (i, id) in targetIDs.enumerated() { yaml += "  t\(i + 1): { id: \"\(id)\" }\n" }
        yaml += "sources:\n"
        let share = (1...targetCount).map { "t\($0)" }.joined(separator: ", ")
        for s in sources {
            yaml += """
              - name: \(s.name)
                account: src-\(s.name)
                cluster: \(s.cluster)
                schedule: "0 1 * * *"
                retention: \(s.retention)
                share_with: [\(share)]

            """
            if s.kmsKeyInFleet { yaml += "    kms_key: \(s.cmk)\n" }
        }
        return yaml
    }

    static func scenario() -> SimScenario {
        var accounts = sources.map { SimScenario.Account(id: $0.accountID) }
        accounts += targetIDs.map { SimScenario.Account(id: $0) }
        let clusters = sources.map {
            SimScenario.Cluster(account: $0.accountID, region: region, id: $0.cluster,
                                kmsKey: $0.clusterUnderCMK ? $0.cmk : "alias/aws/rds")
        }
        var seeded: [SimScenario.ClusterSnapshot] = []
        for s in sources {
            seeded.append(.init(account: s.accountID, region: region, id: s.untagged, cluster: s.cluster,
                                created: "2026-11-15T12:00:00Z"))
            seeded.append(.init(account: s.accountID, region: region, id: s.taggedUnrecorded, cluster: s.cluster,
                                created: "2026-11-20T01:00:00Z",
                                tags: ["snapferry:managed": "true", "snapferry:fleet": fleetName, "snapferry:source": s.name]))
        }
        return SimScenario(start: start, regions: [region], accounts: accounts,
                           kmsKeys: sources.map { SimScenario.KMSKey(arn: $0.cmk, aliases: ["alias/snapferry-\($0.name)"]) },
                           clusters: clusters, clusterSnapshots: seeded)
    }
}

/// Collects the engine's outcomes from the task that runs it.
actor OutcomeBox {
    private(set) var outcomes: [SourceOutcome]?
    func set(_ value: [SourceOutcome]) { outcomes = value }
}

/// Runs `engine.apply(at:)` while moving `clock` to each parked sleeper's deadline, so that
/// polls and waits take no wall time. Returns nil if the run did not finish within the bound.
func applyInVirtualTime(_ engine: RotationEngine, clock: ManualClock, at now: Date,
                        maxSteps: Int = 100_000) async -> [SourceOutcome]? {
    let box = OutcomeBox()
    let task = Task { await box.set(await engine.apply(at: now)) }
    for _ in 0..<maxSteps {
        if let outcomes = await box.outcomes { return outcomes }
        // A short real pause lets every source reach its next sleep (or finish) before time jumps.
        try? await Task.sleep(for: .milliseconds(1))
        if await box.outcomes == nil, clock.sleepers() > 0, let deadline = clock.nextDeadline() {
            clock.advance(to: deadline)
        }
    }
    task.cancel()
    return nil
}
