import AWSKit
import AWSSimulator
import Foundation
import SnapferryCore
import Testing

@Suite("Restore settings: cluster parameter groups, Serverless v2, endpoints; ModifyDBCluster password rules")
struct SimRestoreSettingsTests {
    static func scenario() -> SimScenario {
        var scenario = SimFixture.scenario()
        scenario.dbClusterParameterGroups = [
            .init(account: SimFixture.prod, region: SimFixture.region, name: "Orders-PG16"),
            .init(account: SimFixture.dev, region: SimFixture.region, name: "dev-only"),
        ]
        scenario.clusters.append(.init(account: SimFixture.prod, region: SimFixture.region, id: "shop",
                                       engine: "aurora-mysql", engineVersion: "8.0.mysql_aurora.3.05.2", instances: 0))
        return scenario
    }

    /// A world whose prod account holds an available snapshot `s1` of `legacy`.
    static func worldWithSnapshot() async throws -> (SimWorld, ManualClock, SimRDS) {
        let (world, clock) = try SimFixture.world(scenario())
        let rds = SimFixture.rds(world, SimFixture.prod)
        _ = try await rds.createDBClusterSnapshot(identifier: "s1", clusterIdentifier: "legacy", tags: [])
        clock.advance(by: .seconds(60))
        return (world, clock, rds)
    }

    @Test func restore_storesTheParameterGroupLowerCased_andTheServerlessRange_andDescribeReturnsThem() async throws {
        let (world, clock, rds) = try await Self.worldWithSnapshot()
        _ = world
        let restored = try await rds.restoreDBClusterFromSnapshot(.init(
            clusterIdentifier: "copy", snapshotIdentifier: "s1", engine: "aurora-postgresql", clusterParameterGroup: "ORDERS-pg16",
            serverlessV2: ServerlessV2Scaling(minCapacity: 0.5, maxCapacity: 8)))
        #expect(restored.clusterParameterGroup == "orders-pg16")
        clock.advance(by: .seconds(2700))
        let described = try #require(try await rds.describeDBClusters(.init(clusterIdentifier: "copy")).items.first)
        #expect(described.clusterParameterGroup == "orders-pg16")
        #expect(described.serverlessV2 == ServerlessV2Scaling(minCapacity: 0.5, maxCapacity: 8))
    }

    @Test func restore_withoutAGroup_getsTheEngineDefault_andAnyDefaultGroupIsAccepted() async throws {
        let (_, _, rds) = try await Self.worldWithSnapshot()
        let plain = try await rds.restoreDBClusterFromSnapshot(.init(clusterIdentifier: "plain", snapshotIdentifier: "s1",
                                                                     engine: "aurora-postgresql"))
        #expect(plain.clusterParameterGroup == "default.aurora-postgresql16")
        #expect(plain.serverlessV2 == nil)
        let older = try await rds.restoreDBClusterFromSnapshot(.init(clusterIdentifier: "older", snapshotIdentifier: "s1",
                                                                     engine: "aurora-postgresql",
                                                                     clusterParameterGroup: "default.aurora-postgresql15"))
        #expect(older.clusterParameterGroup == "default.aurora-postgresql15")
    }

    @Test func restore_withAnUnknownGroup_orAnotherAccountsGroup_isRefusedAndCreatesNothing() async throws {
        let (_, _, rds) = try await Self.worldWithSnapshot()
        for group in ["missing-pg", "dev-only"] {
            let error = await SimFixture.awsError {
                _ = try await rds.restoreDBClusterFromSnapshot(.init(clusterIdentifier: "copy", snapshotIdentifier: "s1",
                                                                     engine: "aurora-postgresql", clusterParameterGroup: group))
            }
            #expect(error?.code == "DBClusterParameterGroupNotFound")
            #expect(error?.httpStatus == 404)
            #expect(error?.message == "DBClusterParameterGroup not found: \(group)")
        }
        let gone = await SimFixture.code { _ = try await rds.describeDBClusters(.init(clusterIdentifier: "copy")) }
        #expect(gone == "DBClusterNotFoundFault")
    }

    @Test func clusters_haveEngineDefaultGroup_portAndEndpointsSharingOneAccountRegionToken() async throws {
        let (world, _) = try SimFixture.world(Self.scenario())
        let clusters = try await SimFixture.rds(world, SimFixture.prod).describeDBClusters(.init()).items
        let orders = try #require(clusters.first { $0.identifier == "orders-prod" })
        let shop = try #require(clusters.first { $0.identifier == "shop" })
        #expect(orders.clusterParameterGroup == "default.aurora-postgresql16")
        #expect(orders.port == 5432)
        #expect(shop.clusterParameterGroup == "default.aurora-mysql8.0")
        #expect(shop.port == 3306)
        let writer = try #require(orders.endpoint)
        let token = try #require(writer.split(separator: ".").dropFirst().first).dropFirst("cluster-".count)
        #expect(token.count == 12)
        #expect(writer == "orders-prod.cluster-\(token).eu-west-1.rds.amazonaws.com")
        #expect(orders.readerEndpoint == "orders-prod.cluster-ro-\(token).eu-west-1.rds.amazonaws.com")
        #expect(shop.endpoint == "shop.cluster-\(token).eu-west-1.rds.amazonaws.com")
        let devWorld = try await SimFixture.rds(world, SimFixture.dev).describeDBClusters(.init()).items
        #expect(devWorld.isEmpty)
    }

    @Test func modifyCluster_refusesAPasswordTogetherWithAManagedPassword_butTakesEitherAlone() async throws {
        let (world, _) = try SimFixture.world(Self.scenario())
        let rds = SimFixture.rds(world, SimFixture.prod)
        let error = await SimFixture.awsError {
            _ = try await rds.modifyDBCluster(.init(clusterIdentifier: "legacy", applyImmediately: true,
                                                    manageMasterUserPassword: true, masterUserPassword: "s3cret-pass"))
        }
        #expect(error?.code == "InvalidParameterCombination")
        #expect(try await rds.describeDBClusters(.init(clusterIdentifier: "legacy")).items.first?.masterUserSecretArn == nil)
        let withPassword = try await rds.modifyDBCluster(.init(clusterIdentifier: "legacy", applyImmediately: true,
                                                               masterUserPassword: "s3cret-pass"))
        #expect(withPassword.masterUserSecretArn == nil)
        let managed = try await rds.modifyDBCluster(.init(clusterIdentifier: "legacy", applyImmediately: true,
                                                          manageMasterUserPassword: true))
        #expect(managed.masterUserSecretArn?.hasPrefix("arn:aws:secretsmanager:eu-west-1:111111111111:secret:rds!cluster-") == true)
    }
}
