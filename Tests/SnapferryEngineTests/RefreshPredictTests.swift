import AWSKit
import Foundation
import SnapferryConfig
import SnapferryEngine
import Testing

/// `RefreshPlanner.predict`, what `plan` prints for a target, against the reference model of
/// ``RefreshPlannerTests`` and a hand-written list of steps.
@Suite struct RefreshPredictTests {
    /// `predict` (what `plan` prints) plays the same transaction as this file's reference model does.
    @Test func predict_listsTheWholeTransaction_asTheReferenceModelPlaysIt() throws {
        let cases: [(Target, TargetWorld)] = [
            (try RefreshPlannerTests.target(), RefreshPlannerTests.oldWorld),
            (try RefreshPlannerTests.target(copy: true, hook: true), TargetWorld()),
            (try RefreshPlannerTests.target(instances: "[{ class: db.r6g.large }, { class: db.r6g.xlarge, promotion_tier: 0 }]"),
             RefreshPlannerTests.oldWorld)]
        for (target, world) in cases {
            var model = RefreshPlannerTests.Model(world: world)
            #expect(model.run(target) == .done)
            let prediction = RefreshPlanner.predict(target: target, fleet: RefreshPlannerTests.fleet, slot: RefreshPlannerTests.slot, now: RefreshPlannerTests.slot,
                                                    candidates: [RefreshPlannerTests.shared], world: world, record: nil)
            #expect(prediction.end == .done)
            #expect(prediction.steps.map(\.action.summary) == model.log)
        }
        // Written out once by hand, for the team's cluster with two instances.
        let steps = RefreshPlanner.predict(target: try RefreshPlannerTests.target(), fleet: RefreshPlannerTests.fleet, slot: RefreshPlannerTests.slot, now: RefreshPlannerTests.slot,
                                           candidates: [RefreshPlannerTests.shared], world: RefreshPlannerTests.oldWorld, record: nil).steps.map(\.action)
        #expect(steps.first == .restore(cluster: "orders-dev-new-202612020330", snapshot: RefreshPlannerTests.shared.arn, kmsKey: RefreshPlannerTests.targetKey))
        #expect(steps.filter { if case .createInstance = $0 { true } else { false } }.count == 2)
        #expect(steps.contains(.renameCluster(from: "orders-dev", to: "orders-dev-old-202612020330")))
        #expect(steps.contains(.renameCluster(from: "orders-dev-new-202612020330", to: "orders-dev")))
        #expect(steps.last == .deleteCluster("orders-dev-old-202612020330", finalSnapshot: nil))
    }

    @Test func predict_stopsWhereThePlannerStops() throws {
        let foreign = TargetWorld(clusters: [DBCluster(identifier: "orders-dev", arn: "a", status: "available", engine: "aurora-postgresql")])
        let prediction = RefreshPlanner.predict(target: try RefreshPlannerTests.target(), fleet: RefreshPlannerTests.fleet, slot: RefreshPlannerTests.slot, now: RefreshPlannerTests.slot,
                                                candidates: [RefreshPlannerTests.shared], world: foreign, record: nil)
        #expect(prediction.steps.isEmpty)
        guard case .refused = prediction.end else { Issue.record("\(prediction.end)"); return }
    }
}
