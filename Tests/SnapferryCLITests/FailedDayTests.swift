import Foundation
import SnapferryTestSupport
import Testing

/// A failed night must never leave a share account without a complete slot (PRODUCT.md safety rules):
/// through the binary against `snapferry-sim`, day 1 converges, day 2 fails at one step, day 3 is
/// fault-free and must converge, complete every kept slot and prune. The oracle is AWS's end state
/// read back over the wire, and the expected sets are worked out by hand per case.
@Suite(.timeLimit(.minutes(5))) struct FailedDayTests {
    enum Fault: String, CaseIterable, CustomTestStringConvertible {
        case copyRefused, shareRefused, copyEndsFailed, primaryEndsFailed
        var testDescription: String { rawValue }

        var rules: String {
            switch self {
            case .copyRefused:
                return #"{"rules": [{"service": "rds", "operation": "CopyDBClusterSnapshot", "error_rate": 1, "code": "KMSKeyNotAccessibleFault", "status": 400, "message": "The source snapshot KMS key does not exist, is not enabled or you do not have permissions to access it."}]}"#
            case .shareRefused:
                return #"{"rules": [{"service": "rds", "operation": "ModifyDBClusterSnapshotAttribute", "error_rate": 1, "code": "AccessDenied", "status": 403, "message": "User is not authorized to perform: rds:ModifyDBClusterSnapshotAttribute"}]}"#
            case .copyEndsFailed:
                return #"{"rules": [{"service": "rds", "operation": "CopyDBClusterSnapshot", "fail_after_accept_rate": 1}]}"#
            case .primaryEndsFailed:
                return #"{"rules": [{"service": "rds", "operation": "CreateDBClusterSnapshot", "fail_after_accept_rate": 1}]}"#
            }
        }
    }

    static let accounts = ["222222222222", "333333333333"]
    static func name(_ day: Int) -> String { String(format: "snapferry-orders-202612%02d-0200", day) }

    @Test(arguments: Fault.allCases, [1, 2])
    func failedDay_keepsACompleteSlotForEveryAccount_nextDayConverges(fault: Fault, keepLast: Int) async throws {
        let fixture = try SimFleetFixture(
            label: "failed-day", fleet: "fd", clusters: ["orders-prod"],
            shareAccounts: ["dev": Self.accounts[0], "staging": Self.accounts[1]],
            sources: [.init(name: "orders", cluster: "orders-prod", shareWith: ["dev", "staging"], keepLast: keepLast)])
        defer { fixture.remove() }
        let sim = try await fixture.startSim(timeScale: 300)
        defer { sim.stop() }

        let day1 = try await fixture.snapferry(["apply", "--at", "2026-12-01T03:00:00Z", "--yes"])
        #expect(day1.status == 0, "day 1: \(day1.stdout)\n\(day1.stderr)")

        try await sim.advance(seconds: 86_400)
        try await sim.setFaults(fault.rules)
        let day2 = try await fixture.snapferry(["apply", "--at", "2026-12-02T03:00:00Z", "--yes"])
        #expect(day2.status == 1, "day 2 must fail: \(day2.stdout)\n\(day2.stderr)")
        let afterDay2 = try await ours(fixture, sim)
        for account in Self.accounts {
            #expect(hasCompleteSlot(afterDay2, for: account), "after the failed day \(account) has no complete slot: \(afterDay2)")
        }
        #expect(afterDay2[Self.name(1)] != nil && afterDay2[Self.name(1) + "-s1"] != nil, "day 1 was pruned by a failed day")

        try await sim.setFaults(#"{"rules": []}"#)
        try await sim.advance(seconds: 86_400)
        let day3 = try await fixture.snapferry(["apply", "--at", "2026-12-03T03:00:00Z", "--yes"])
        #expect(day3.status == 0, "day 3: \(day3.stdout)\n\(day3.stderr)")
        let afterDay3 = try await ours(fixture, sim)
        // keep_last 1: day 3 alone. keep_last 2: day 3 and the newest usable older slot, completed —
        // day 2 unless its primary failed, then day 1.
        var keptDays = [3]
        if keepLast == 2 { keptDays.append(fault == .primaryEndsFailed ? 1 : 2) }
        let expected = Set(keptDays.flatMap { [Self.name($0), Self.name($0) + "-s1"] })
        #expect(Set(afterDay3.keys) == expected, "\(fault) keep_last \(keepLast): \(afterDay3.keys.sorted())")
        for day in keptDays {
            let carrier = afterDay3[Self.name(day) + "-s1"]
            #expect(carrier?.status == "available" && carrier?.sharedWith == Self.accounts && carrier?.kmsKeyId == SimFleetFixture.cmk,
                    "day \(day)'s carrier: \(String(describing: carrier))")
            #expect(afterDay3[Self.name(day)]?.status == "available")
        }
        let legacy = try await fixture.inventory(sim, cluster: "orders-prod").first { $0.id == SimFleetFixture.legacySnapshot }
        #expect(legacy != nil, "a snapshot snapferry did not make was deleted")
    }

    /// The fleet's snapshots as AWS shows them, by id.
    func ours(_ fixture: SimFleetFixture, _ sim: SimProcess) async throws -> [String: ObservedSnapshot] {
        let all = try await fixture.inventory(sim, cluster: "orders-prod").filter { $0.tags["snapferry:fleet"] == fixture.fleet }
        return Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) })
    }

    /// An available carrier under the CMK is shared with `account`, and its slot's primary is available.
    func hasCompleteSlot(_ snapshots: [String: ObservedSnapshot], for account: String) -> Bool {
        snapshots.values.contains { carrier in
            guard carrier.status == "available", carrier.sharedWith.contains(account), carrier.kmsKeyId == SimFleetFixture.cmk,
                  let range = carrier.id.range(of: "-s", options: .backwards) else { return false }
            return snapshots[String(carrier.id[..<range.lowerBound])]?.status == "available"
        }
    }
}
