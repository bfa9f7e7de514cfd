import AWSKit
import AWSSigV4
import AWSSimulator
import Foundation
import Testing

@Suite("SimServer: RDS, STS and KMS over the wire")
struct SimServerRDSTests {
    @Test("CreateDBClusterSnapshot over HTTP answers creating, and Describe shows available after /_sim/advance")
    func createSnapshot_thenAdvance_describeShowsAvailable() async throws {
        try await SimServerFixture.withServer { sim in
            let rds = RDSClient(client: sim.client())
            let created = try await rds.createDBClusterSnapshot(identifier: "Nightly-1", clusterIdentifier: "orders-prod",
                                                               tags: [Tag("owner", "snapferry <ops> & co")])
            #expect(created.identifier == "nightly-1")
            #expect(created.status == "creating")
            #expect(created.storageEncrypted)
            #expect(created.kmsKeyId == SimServerFixture.cmk)
            #expect(created.arn == "arn:aws:rds:eu-west-1:111111111111:cluster-snapshot:nightly-1")

            let (status, body) = try await sim.admin("POST", "/_sim/advance", json: #"{"seconds": 3600}"#)
            #expect(status == 200)
            #expect(body["now"] as? String == "2026-12-01T01:00:00.000Z")

            let page = try await rds.describeDBClusterSnapshots(DescribeDBClusterSnapshotsInput(snapshotIdentifier: "nightly-1"))
            let snapshot = try #require(page.items.first)
            #expect(page.items.count == 1)
            #expect(snapshot.status == "available")
            #expect(snapshot.tags == [Tag("owner", "snapferry <ops> & co")])
            #expect(snapshot.createTime == Date(timeIntervalSince1970: 1_796_083_200))
        }
    }

    @Test("A world error keeps its wire code, status and request id (DBClusterNotFoundFault, 404)")
    func snapshotOfUnknownCluster_returnsNotFoundEnvelope() async throws {
        try await SimServerFixture.withServer { sim in
            let rds = RDSClient(client: sim.client())
            let error = await SimServerFixture.error {
                _ = try await rds.createDBClusterSnapshot(identifier: "s1", clusterIdentifier: "nope", tags: [])
            }
            #expect(error?.code == "DBClusterNotFoundFault")
            #expect(error?.httpStatus == 404)
            #expect(error?.requestId?.isEmpty == false)
        }
    }

    @Test("A request signed with the wrong secret is refused with SignatureDoesNotMatch (403)")
    func wrongSecret_returnsSignatureDoesNotMatch() async throws {
        try await SimServerFixture.withServer { sim in
            let bad = AWSCredential(accessKeyId: SimServerFixture.prodKey.accessKeyId, secretAccessKey: "not-the-secret")
            let error = await SimServerFixture.error { _ = try await STSClient(client: sim.client(bad)).getCallerIdentity() }
            #expect(error?.code == "SignatureDoesNotMatch")
            #expect(error?.httpStatus == 403)
            #expect(error?.message.hasPrefix("The request signature we calculated does not match the signature you provided.") == true)
        }
    }

    @Test("A request signed with an unknown access key is refused with InvalidClientTokenId (403)")
    func unknownKey_returnsInvalidClientTokenId() async throws {
        try await SimServerFixture.withServer { sim in
            let stranger = AWSCredential(accessKeyId: "AKIAUNKNOWN000000000", secretAccessKey: "whatever")
            let error = await SimServerFixture.error {
                _ = try await RDSClient(client: sim.client(stranger)).describeAccountAttributes()
            }
            #expect(error?.code == "InvalidClientTokenId")
            #expect(error?.httpStatus == 403)
        }
    }

    @Test("GetCallerIdentity over HTTP names the key's account; KMS DescribeKey answers JSON KeyMetadata")
    func callerIdentityAndDescribeKey_decodeThroughLiveClients() async throws {
        try await SimServerFixture.withServer { sim in
            let identity = try await STSClient(client: sim.client()).getCallerIdentity()
            #expect(identity.account == SimServerFixture.prod)
            let key = try await KMSClient(client: sim.client()).describeKey(keyId: "alias/snapferry")
            #expect(key.arn == SimServerFixture.cmk)
            #expect(key.keyManager == "CUSTOMER")
            #expect(key.enabled)
            #expect(key.description == "fleet <key> & co")
            let missing = await SimServerFixture.error {
                _ = try await KMSClient(client: sim.client()).describeKey(keyId: "alias/nope")
            }
            #expect(missing?.code == "NotFoundException")
            #expect(missing?.httpStatus == 400)
        }
    }
}
