import AWSKit
import AWSSimulator
import Foundation
import Testing

@Suite("SimServer: restore settings, instance endpoints and ModifyDBCluster password rules over the wire")
struct SimServerRestoreSettingsTests {
    static func scenario() -> SimScenario {
        var scenario = SimServerFixture.scenario()
        scenario.dbClusterParameterGroups = [.init(account: SimServerFixture.prod, region: SimServerFixture.region, name: "orders-pg16")]
        scenario.dbParameterGroups = [.init(account: SimServerFixture.prod, region: SimServerFixture.region, name: "orders-instance")]
        return scenario
    }

    @Test("A restore's parameter group and Serverless v2 range, and a serverless instance's endpoint, come back in Describe")
    func restoreSettingsAndInstanceEndpoint_roundTrip() async throws {
        try await SimServerFixture.withServer(Self.scenario()) { sim in
            let rds = RDSClient(client: sim.client())
            _ = try await rds.createDBClusterSnapshot(identifier: "s1", clusterIdentifier: "orders-prod", tags: [])
            _ = try await sim.admin("POST", "/_sim/advance", json: #"{"seconds": 600}"#)
            let restored = try await rds.restoreDBClusterFromSnapshot(.init(
                clusterIdentifier: "orders-copy", snapshotIdentifier: "s1", engine: "aurora-postgresql",
                clusterParameterGroup: "orders-pg16", serverlessV2: ServerlessV2Scaling(minCapacity: 0.5, maxCapacity: 8)))
            #expect(restored.port == 5432)
            _ = try await sim.admin("POST", "/_sim/advance", json: #"{"seconds": 2700}"#)
            let cluster = try #require(try await rds.describeDBClusters(.init(clusterIdentifier: "orders-copy")).items.first)
            #expect(cluster.clusterParameterGroup == "orders-pg16")
            #expect(cluster.serverlessV2 == ServerlessV2Scaling(minCapacity: 0.5, maxCapacity: 8))
            let created = try await rds.createDBInstance(.init(instanceIdentifier: "orders-copy-1", instanceClass: "db.serverless",
                                                               engine: "aurora-postgresql", clusterIdentifier: "orders-copy",
                                                               parameterGroup: "orders-instance"))
            #expect(created.endpoint == nil)
            _ = try await sim.admin("POST", "/_sim/advance", json: #"{"seconds": 900}"#)
            let instance = try #require(try await rds.describeDBInstances(.init(instanceIdentifier: "orders-copy-1")).items.first)
            let token = try #require(cluster.endpoint?.split(separator: ".")[1].dropFirst("cluster-".count))
            #expect(instance.endpoint?.address == "orders-copy-1.\(token).eu-west-1.rds.amazonaws.com")
            #expect(instance.endpoint?.port == 5432)
            #expect(instance.endpoint?.hostedZoneId?.hasPrefix("Z") == true)
            #expect(instance.parameterGroup == "orders-instance")
        }
    }

    @Test("Unknown parameter groups and MasterUserPassword with ManageMasterUserPassword keep AWS's codes over the wire")
    func refusals_keepTheirCodes() async throws {
        try await SimServerFixture.withServer(Self.scenario()) { sim in
            let rds = RDSClient(client: sim.client())
            _ = try await rds.createDBClusterSnapshot(identifier: "s1", clusterIdentifier: "orders-prod", tags: [])
            _ = try await sim.admin("POST", "/_sim/advance", json: #"{"seconds": 600}"#)
            let restore = await SimServerFixture.error {
                _ = try await rds.restoreDBClusterFromSnapshot(.init(clusterIdentifier: "copy", snapshotIdentifier: "s1",
                                                                     engine: "aurora-postgresql", clusterParameterGroup: "nope"))
            }
            #expect(restore?.code == "DBClusterParameterGroupNotFound")
            #expect(restore?.httpStatus == 404)
            let instance = await SimServerFixture.error {
                _ = try await rds.createDBInstance(.init(instanceIdentifier: "i9", instanceClass: "db.r6g.large", engine: "aurora-postgresql",
                                                         clusterIdentifier: "orders-prod", parameterGroup: "nope"))
            }
            #expect(instance?.code == "DBParameterGroupNotFound")
            let modify = await SimServerFixture.error {
                _ = try await rds.modifyDBCluster(.init(clusterIdentifier: "orders-prod", applyImmediately: true,
                                                        manageMasterUserPassword: true, masterUserPassword: "s3cret-pass"))
            }
            #expect(modify?.code == "InvalidParameterCombination")
        }
    }
}
