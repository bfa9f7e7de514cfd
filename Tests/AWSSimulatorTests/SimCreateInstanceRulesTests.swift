import AWSKit
import AWSSimulator
import Foundation
import SnapferryCore
import Testing

@Suite("CreateDBInstance: class, engine, parameter group and Serverless v2 rules; instance endpoints")
struct SimCreateInstanceRulesTests {
    /// A world with `plain` (provisioned) and `elastic` (Serverless v2, 0.5–4 ACUs), both available.
    static func world() async throws -> (SimWorld, ManualClock, SimRDS) {
        var scenario = SimFixture.scenario()
        scenario.dbParameterGroups = [.init(account: SimFixture.prod, region: SimFixture.region, name: "Orders-Instance-PG")]
        let (world, clock) = try SimFixture.world(scenario)
        let rds = SimFixture.rds(world, SimFixture.prod)
        _ = try await rds.createDBClusterSnapshot(identifier: "s1", clusterIdentifier: "legacy", tags: [])
        clock.advance(by: .seconds(60))
        _ = try await rds.restoreDBClusterFromSnapshot(.init(clusterIdentifier: "plain", snapshotIdentifier: "s1", engine: "aurora-postgresql"))
        _ = try await rds.restoreDBClusterFromSnapshot(.init(clusterIdentifier: "elastic", snapshotIdentifier: "s1", engine: "aurora-postgresql",
                                                             serverlessV2: ServerlessV2Scaling(minCapacity: 0.5, maxCapacity: 4)))
        clock.advance(by: .seconds(2700))
        return (world, clock, rds)
    }

    static func create(_ rds: SimRDS, _ id: String, cluster: String = "plain", instanceClass: String = "db.r6g.large",
                       engine: String = "aurora-postgresql", parameterGroup: String? = nil) async throws -> DBInstance {
        try await rds.createDBInstance(.init(instanceIdentifier: id, instanceClass: instanceClass, engine: engine,
                                             clusterIdentifier: cluster, parameterGroup: parameterGroup))
    }

    @Test(arguments: ["r6g.large", "db.large", "db.r6g.large.x", "db..large", "db.r6g.", "db.6g.large", "db.rg.large",
                      "db.serverless2", "db.r6g.16"])
    func malformedClass_isRefusedWithInvalidParameterValue(instanceClass: String) async throws {
        let (_, _, rds) = try await Self.world()
        let error = await SimFixture.awsError { _ = try await Self.create(rds, "i1", instanceClass: instanceClass) }
        #expect(error?.code == "InvalidParameterValue")
        #expect(error?.message == "Invalid DB Instance class: \(instanceClass)")
    }

    @Test(arguments: ["db.r6g.large", "db.t4g.medium", "db.r7g.16xlarge", "db.x2iedn.24xlarge"])
    func wellFormedClass_isAccepted(instanceClass: String) async throws {
        let (_, _, rds) = try await Self.world()
        #expect(try await Self.create(rds, "i1", instanceClass: instanceClass).instanceClass == instanceClass)
    }

    @Test func serverlessInstance_needsTheClustersServerlessV2Scaling() async throws {
        let (_, _, rds) = try await Self.world()
        let error = await SimFixture.awsError { _ = try await Self.create(rds, "i1", instanceClass: "db.serverless") }
        #expect(error?.code == "InvalidDBClusterStateFault")
        let instances = try await rds.describeDBInstances(.init()).items.map(\.identifier)
        #expect(!instances.contains("i1"))
        let made = try await Self.create(rds, "i2", cluster: "elastic", instanceClass: "db.serverless")
        #expect(made.instanceClass == "db.serverless")
        #expect(made.clusterIdentifier == "elastic")
    }

    @Test func engineOtherThanTheClusters_isRefusedWithInvalidParameterCombination() async throws {
        let (_, _, rds) = try await Self.world()
        let error = await SimFixture.awsError { _ = try await Self.create(rds, "i1", engine: "aurora-mysql") }
        #expect(error?.code == "InvalidParameterCombination")
        #expect(error?.message == "The engine name requested for your DB instance (aurora-mysql) doesn't match the engine "
                + "name of your DB cluster (aurora-postgresql).")
    }

    @Test func parameterGroup_mustExist_scenarioAndDefaultGroupsDo_andNoneMeansTheEngineDefault() async throws {
        let (_, _, rds) = try await Self.world()
        let error = await SimFixture.awsError { _ = try await Self.create(rds, "i1", parameterGroup: "missing-pg") }
        #expect(error?.code == "DBParameterGroupNotFound")
        #expect(error?.httpStatus == 404)
        #expect(error?.message == "DBParameterGroup not found: missing-pg")
        #expect(try await Self.create(rds, "i2", parameterGroup: "orders-instance-PG").parameterGroup == "orders-instance-pg")
        #expect(try await Self.create(rds, "i3", parameterGroup: "default.aurora-postgresql16").parameterGroup
                == "default.aurora-postgresql16")
        #expect(try await Self.create(rds, "i4").parameterGroup == "default.aurora-postgresql16")
    }

    @Test func endpoint_isAbsentWhileCreating_thenSharesTheClustersTokenWithThePostgresPort() async throws {
        let (_, clock, rds) = try await Self.world()
        let created = try await Self.create(rds, "Writer-1")
        #expect(created.status == "creating")
        #expect(created.endpoint == nil)
        clock.advance(by: .seconds(900))
        let instance = try #require(try await rds.describeDBInstances(.init(instanceIdentifier: "writer-1")).items.first)
        let clusterEndpoint = try #require(try await rds.describeDBClusters(.init(clusterIdentifier: "plain")).items.first?.endpoint)
        let token = clusterEndpoint.split(separator: ".")[1].dropFirst("cluster-".count)
        #expect(instance.status == "available")
        #expect(instance.endpoint?.address == "writer-1.\(token).eu-west-1.rds.amazonaws.com")
        #expect(instance.endpoint?.port == 5432)
        let zone = try #require(instance.endpoint?.hostedZoneId)
        #expect(zone.count == 14 && zone.hasPrefix("Z"))
    }

    @Test func scenarioInstances_areAvailableWithEndpoints() async throws {
        let (world, _) = try SimFixture.world()
        let instance = try #require(try await SimFixture.rds(world, SimFixture.prod)
            .describeDBInstances(.init(instanceIdentifier: "orders-prod-instance-1")).items.first)
        #expect(instance.endpoint?.address.hasPrefix("orders-prod-instance-1.c") == true)
        #expect(instance.endpoint?.port == 5432)
        #expect(instance.parameterGroup == "default.aurora-postgresql16")
    }
}
