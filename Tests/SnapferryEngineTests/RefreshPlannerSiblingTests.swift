import AWSKit
import Foundation
import SnapferryConfig
@testable import SnapferryEngine
import Testing

/// The state the reliability suite's faulty daemon run reached (a new instance renamed to the stable
/// instance name while its cluster's rename was throttled, then a second instance made under the incoming
/// name): the swap is done, and the new cluster has the stable instance name on one instance and an
/// incoming-named sibling. Retirement used to wait for that name forever; the reference model below
/// applies each step at once, so any wait is a failure.
@Suite struct RefreshPlannerSiblingTests {
    typealias P = RefreshPlannerTests

    static func world() -> TargetWorld {
        var world = TargetWorld()
        world.clusters = [
            DBCluster(identifier: "orders-dev", arn: "arn:new", status: "available", engine: "aurora-postgresql", tags: P.tags(slot: P.slot)),
            DBCluster(identifier: "orders-dev-old-202612020330", arn: "arn:old", status: "available", engine: "aurora-postgresql",
                      tags: P.tags(slot: P.slot.addingTimeInterval(-86400))),
        ]
        world.instances = [
            DBInstance(identifier: "orders-dev-1", arn: "arn:db:n1", clusterIdentifier: "orders-dev", instanceClass: "db.r6g.large",
                       status: "available", engine: "aurora-postgresql"),
            DBInstance(identifier: "orders-dev-new-202612020330-1", arn: "arn:db:dup", clusterIdentifier: "orders-dev",
                       instanceClass: "db.r6g.large", status: "available", engine: "aurora-postgresql"),
            DBInstance(identifier: "orders-dev-old-202612020330-1", arn: "arn:db:o1", clusterIdentifier: "orders-dev-old-202612020330",
                       instanceClass: "db.r6g.large", status: "available", engine: "aurora-postgresql"),
        ]
        return world
    }

    static var record: RefreshRecord {
        var record = RefreshRecord(snapshotIdentifier: P.shared.identifier, snapshotArn: P.shared.arn)
        record.failure = "rename instance orders-dev-new-202612020330-1 to orders-dev-1: DBInstanceAlreadyExists"
        return record
    }

    @Test func aSurplusSiblingUnderTheIncomingName_isDeleted_andRetirementFinishes() throws {
        var model = P.Model(world: Self.world(), record: Self.record)
        #expect(model.run(try P.target(instances: "[{ class: db.r6g.large }]")) == .done)
        #expect(model.log.first == "delete instance orders-dev-new-202612020330-1")
        #expect(model.world.clusters.map(\.identifier) == ["orders-dev"])
        #expect(model.world.instances.map(\.arn) == ["arn:db:n1"])
    }

    @Test func aWantedSiblingUnderTheIncomingName_takesTheNextFreeStableName() throws {
        var model = P.Model(world: Self.world(), record: Self.record)
        #expect(model.run(try P.target(instances: "[{ class: db.r6g.large, count: 2 }]")) == .done)
        #expect(model.log.first == "rename instance orders-dev-new-202612020330-1 to orders-dev-2")
        #expect(model.world.instances.map(\.identifier).sorted() == ["orders-dev-1", "orders-dev-2"])
        #expect(model.world.clusters.map(\.identifier) == ["orders-dev"])
    }

    /// The engine skips reading instances while `waitsOnRestore` says a restore is in progress; whenever the
    /// plan would add instances it must read them (a backing-up cluster got its instances asked for again
    /// on every look, unseen: 10,329 `DBInstanceAlreadyExists` in one medium bench night).
    @Test func instancesAreReadWheneverThePlanWouldAddThem() throws {
        for status in ["creating", "backing-up", "available", "modifying", "failed"] {
            let world = P.restoring(status)
            let plan = try P.resumed(world)
            let adds = plan.steps.contains { if case .createInstance = $0.action { true } else { false } }
            let skipsReading = RefreshPlanner.waitsOnRestore(world.cluster("orders-dev-new-202612020330"))
            #expect(!(adds && skipsReading), "\(status): the plan adds instances the engine did not read")
            #expect(adds == ["available", "backing-up"].contains(status), "\(status): \(plan.steps.map(\.action))")
        }
        #expect(RefreshPlanner.waitsOnRestore(DBCluster(identifier: "c", arn: "a", status: "creating", engine: "aurora-postgresql")))
    }
}
