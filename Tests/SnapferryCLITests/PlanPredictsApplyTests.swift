import Foundation
import SnapferryTestSupport
import Testing

/// `plan` predicts the whole run: over a simulated week with retention and re-encryption, each
/// day's `plan --format json` lists exactly the actions `apply --format json` then performs, in order.
@Suite(.timeLimit(.minutes(5))) struct PlanPredictsApplyTests {
    struct Action: Decodable, Equatable, CustomStringConvertible {
        var action: String
        var subject: String
        var reason: String
        var add: [String]?
        var remove: [String]?
        var description: String { "\(action) \(subject) (\(reason))" }
    }
    struct Plan: Decodable { var source: String; var actions: [Action]; var blocked: String? }
    struct Outcome: Decodable { var source: String; var result: String; var performed: [Action] }

    @Test func weekOfDays_planEqualsApply() async throws {
        let fixture = try SimFleetFixture(
            label: "plan-apply", fleet: "pa", clusters: ["orders-prod", "billing-prod"],
            shareAccounts: ["dev": "222222222222", "staging": "333333333333"],
            sources: [.init(name: "orders", cluster: "orders-prod", shareWith: ["dev", "staging"], keepLast: 2),
                      .init(name: "billing", cluster: "billing-prod", shareWith: ["dev"], keepLast: 3)])
        defer { fixture.remove() }
        let sim = try await fixture.startSim(timeScale: 300)
        defer { sim.stop() }

        var deletions = 0
        for day in 1...7 {
            let at = String(format: "2026-12-%02dT03:00:00Z", day)
            let planned = try await fixture.snapferry(["plan", "--at", at, "--format", "json"])
            #expect(planned.status == 0, "day \(day) plan: \(planned.stdout)\n\(planned.stderr)")
            let plans = try JSONDecoder().decode([Plan].self, from: Data(planned.stdout.utf8))
            let applied = try await fixture.snapferry(["apply", "--at", at, "--yes", "--format", "json"])
            #expect(applied.status == 0, "day \(day) apply: \(applied.stdout)\n\(applied.stderr)")
            let outcomes = try JSONDecoder().decode([Outcome].self, from: Data(applied.stdout.utf8))
            #expect(Set(plans.map(\.source)) == ["orders", "billing"])
            for plan in plans {
                let performed = outcomes.first { $0.source == plan.source }?.performed ?? []
                #expect(plan.actions == performed, "day \(day) \(plan.source): plan\n\(plan.actions)\napply\n\(performed)")
                #expect(!plan.actions.isEmpty, "day \(day) \(plan.source): a new slot is due every day")
                deletions += performed.count { $0.action == "delete" }
            }
            // A plan right after a converged run has nothing left to do.
            let after = try await fixture.snapferry(["plan", "--at", at, "--format", "json"])
            let rest = try JSONDecoder().decode([Plan].self, from: Data(after.stdout.utf8))
            #expect(rest.allSatisfy { $0.actions.isEmpty }, "day \(day): \(rest.map(\.actions))")
            try await sim.advance(seconds: 86_400)
        }
        // orders (keep 2) prunes days 1–5, billing (keep 3) days 1–4; each a primary and its -s1.
        #expect(deletions == 2 * 5 + 2 * 4)
    }
}
