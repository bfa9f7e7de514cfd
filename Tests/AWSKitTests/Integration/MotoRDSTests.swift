import AWSKit
import AWSSigV4
import Foundation
import SnapferryTestSupport
import Testing

/// Every RDS operation of `RDSAPI` against moto_server with signature checking on.
@Suite(.serialized) struct MotoRDSTests {
    @Test func rdsOperations_roundTripThroughMoto_withSignaturesVerified() async throws {
        let moto = try await MotoClients.make()
        defer { Task { await moto.shutdown() } }
        let rds = moto.rds

        let clusters = try await rds.allDBClusters(DescribeDBClustersInput(clusterIdentifier: "orders-prod")).collect()
        #expect(clusters.map(\.identifier) == ["orders-prod"])
        #expect(clusters.first?.tags.dictionary["team"] == "orders")

        let snapID = uniqueName("Snap")
        let snap = try await rds.createDBClusterSnapshot(identifier: snapID, clusterIdentifier: "orders-prod",
                                                         tags: [Tag("snapferry:managed", "true")])
        #expect(snap.identifier == snapID.lowercased())   // RDS lower-cases identifiers
        #expect(snap.status == "available")

        let listed = try await rds.describeDBClusterSnapshots(.init(filters: [RDSFilter("db-cluster-snapshot-id", [snap.identifier])]))
        #expect(listed.items.map(\.identifier) == [snap.identifier])
        #expect(listed.items.first?.tags.dictionary["snapferry:managed"] == "true")

        let key = try await moto.kms.describeKey(keyId: "alias/aws/rds")
        let copyID = uniqueName("copy")
        let copy = try await rds.copyDBClusterSnapshot(.init(source: snap.identifier, target: copyID, kmsKeyId: key.arn,
                                                             tags: [Tag("snapferry:source", "orders")]))
        #expect(copy.identifier == copyID)

        let shared = try await rds.modifyDBClusterSnapshotAttribute(identifier: copyID, attributeName: "restore",
                                                                    valuesToAdd: ["222222222222", "333333333333"], valuesToRemove: [])
        #expect(Set(shared.first { $0.name == "restore" }?.values ?? []) == ["222222222222", "333333333333"])
        _ = try await rds.modifyDBClusterSnapshotAttribute(identifier: copyID, attributeName: "restore",
                                                           valuesToAdd: [], valuesToRemove: ["333333333333"])
        let attributes = try await rds.describeDBClusterSnapshotAttributes(identifier: copyID)
        #expect(attributes.first { $0.name == "restore" }?.values == ["222222222222"])

        try await rds.addTagsToResource(arn: copy.arn, tags: [Tag("extra", "1")])
        let tags = try await rds.listTagsForResource(arn: copy.arn)
        #expect(tags.dictionary["extra"] == "1")

        let restored = uniqueName("restored")
        let cluster = try await rds.restoreDBClusterFromSnapshot(.init(clusterIdentifier: restored, snapshotIdentifier: copyID,
                                                                      engine: "aurora-postgresql", tags: [Tag("snapferry:target", "t")]))
        #expect(cluster.identifier == restored)
        let instanceID = uniqueName("inst")
        let instance = try await rds.createDBInstance(.init(instanceIdentifier: instanceID, instanceClass: "db.r6g.large",
                                                            engine: "aurora-postgresql", clusterIdentifier: restored, promotionTier: 1))
        #expect(instance.clusterIdentifier == restored)
        let instances = try await rds.allDBInstances(.init(filters: [RDSFilter("db-cluster-id", [restored])])).collect()
        #expect(instances.map(\.identifier) == [instanceID])

        let renamed = uniqueName("renamed")
        let modified = try await rds.modifyDBCluster(.init(clusterIdentifier: restored, newClusterIdentifier: renamed, applyImmediately: true))
        #expect(modified.identifier == renamed)

        _ = try await rds.deleteDBInstance(identifier: instanceID, skipFinalSnapshot: true)
        _ = try await rds.deleteDBCluster(.init(clusterIdentifier: renamed, skipFinalSnapshot: true))
        _ = try await rds.deleteDBClusterSnapshot(identifier: copyID)
        _ = try await rds.deleteDBClusterSnapshot(identifier: snap.identifier)
        let gone = try await rds.describeDBClusterSnapshots(.init(filters: [RDSFilter("db-cluster-snapshot-id", [copyID])]))
        #expect(gone.items.isEmpty)
        // DescribeAccountAttributes is not implemented by moto (HTTP 500); SimServerTests cover it over the wire.
    }

    @Test func describeMissingSnapshot_isTypedNotFound() async throws {
        let moto = try await MotoClients.make()
        defer { Task { await moto.shutdown() } }
        do {
            _ = try await moto.rds.deleteDBClusterSnapshot(identifier: "no-such-snapshot")
            Issue.record("expected DBClusterSnapshotNotFoundFault")
        } catch let error as AWSError {
            #expect(error.code == "DBClusterSnapshotNotFoundFault")
            #expect(error.httpStatus == 404)
            #expect(error.isNotFound)
            #expect(error.retryClass == .terminal)
        }
    }

    @Test func wrongSecret_surfacesAsSignatureDoesNotMatch_withAHint() async throws {
        let moto = try await MotoClients.make(secret: "definitely-wrong")
        defer { Task { await moto.shutdown() } }
        do {
            _ = try await moto.sts.getCallerIdentity()
            Issue.record("expected SignatureDoesNotMatch")
        } catch let error as AWSError {
            #expect(error.code == "SignatureDoesNotMatch")
            #expect(error.httpStatus == 403)
            #expect(error.description.contains("the secret access key does not match the access key id"))
        }
    }
}
