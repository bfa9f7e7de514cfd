import AWSKit
import AWSSimulator
import Foundation
import SnapferryCore
import Testing

@Suite("Sharing, KMS key policies and cross-account use")
struct SimSharingTests {
    /// Creates `orders-snap` under the CMK and waits until it is available.
    private func availableSnapshot(_ rds: SimRDS, _ clock: ManualClock) async throws -> DBClusterSnapshot {
        let snapshot = try await rds.createDBClusterSnapshot(identifier: "orders-snap", clusterIdentifier: "orders-prod", tags: [])
        clock.advance(by: .seconds(600))
        return snapshot
    }

    @Test func sharingAnAwsRdsSnapshot_isRefused_unlessLenient_thenTargetCopyFails() async throws {
        let (world, clock) = try SimFixture.world()
        let rds = SimFixture.rds(world, SimFixture.prod)
        _ = try await rds.createDBClusterSnapshot(identifier: "legacy-snap", clusterIdentifier: "legacy", tags: [])
        let early = await SimFixture.code {
            _ = try await rds.modifyDBClusterSnapshotAttribute(identifier: "legacy-snap", attributeName: "restore",
                                                               valuesToAdd: [SimFixture.dev], valuesToRemove: [])
        }
        #expect(early == "InvalidDBClusterSnapshotStateFault")
        clock.advance(by: .seconds(60))
        let refused = await SimFixture.awsError {
            _ = try await rds.modifyDBClusterSnapshotAttribute(identifier: "legacy-snap", attributeName: "restore",
                                                               valuesToAdd: [SimFixture.dev], valuesToRemove: [])
        }
        #expect(refused?.code == "InvalidParameterValue")
        #expect(refused?.httpStatus == 400)

        let (lenient, lenientClock) = try SimFixture.world(SimFixture.scenario(lenient: true))
        let prod = SimFixture.rds(lenient, SimFixture.prod)
        let snapshot = try await prod.createDBClusterSnapshot(identifier: "legacy-snap", clusterIdentifier: "legacy", tags: [])
        lenientClock.advance(by: .seconds(60))
        _ = try await prod.modifyDBClusterSnapshotAttribute(identifier: "legacy-snap", attributeName: "restore",
                                                            valuesToAdd: [SimFixture.dev], valuesToRemove: [])
        let dev = SimFixture.rds(lenient, SimFixture.dev)
        let copy = await SimFixture.awsError {
            _ = try await dev.copyDBClusterSnapshot(.init(source: snapshot.arn, target: "mine", kmsKeyId: "alias/dev-restore"))
        }
        #expect(copy?.code == "KMSKeyNotAccessibleFault")
        let awsRDS = await lenient.awsRDSKeyArn(account: SimFixture.prod, region: SimFixture.region)
        #expect(copy?.message == "The source snapshot KMS key [\(awsRDS)] does not exist, is not enabled or you do not have "
                + "permissions to access it.")
    }

    @Test func sharingWithA21stAccount_isRefused() async throws {
        let (world, clock) = try SimFixture.world()
        let rds = SimFixture.rds(world, SimFixture.prod)
        _ = try await availableSnapshot(rds, clock)
        let twenty = (1...20).map { String(format: "3000000000%02d", $0) }
        let attributes = try await rds.modifyDBClusterSnapshotAttribute(identifier: "orders-snap", attributeName: "restore",
                                                                        valuesToAdd: twenty, valuesToRemove: [])
        #expect(attributes.first?.values.count == 20)
        let error = await SimFixture.awsError {
            _ = try await rds.modifyDBClusterSnapshotAttribute(identifier: "orders-snap", attributeName: "restore",
                                                               valuesToAdd: ["399999999999"], valuesToRemove: [])
        }
        #expect(error?.code == "SharedSnapshotQuotaExceeded")
        let swapped = try await rds.modifyDBClusterSnapshotAttribute(identifier: "orders-snap", attributeName: "restore",
                                                                     valuesToAdd: ["399999999999"], valuesToRemove: [twenty[0]])
        #expect(swapped.first?.values.count == 20)
    }

    @Test func crossAccountRestore_refusedUntilSharedAndKeyPolicyNamesTheAccount() async throws {
        let (world, clock) = try SimFixture.world()
        let prod = SimFixture.rds(world, SimFixture.prod)
        let dev = SimFixture.rds(world, SimFixture.dev)
        let snapshot = try await availableSnapshot(prod, clock)
        let restore = RestoreDBClusterFromSnapshotInput(clusterIdentifier: "orders-dev", snapshotIdentifier: snapshot.arn,
                                                        engine: "aurora-postgresql", subnetGroup: "dev-db",
                                                        vpcSecurityGroupIds: ["sg-0123456789abcdef0"])
        let unshared = await SimFixture.awsError { _ = try await dev.restoreDBClusterFromSnapshot(restore) }
        #expect(unshared?.code == "DBClusterSnapshotNotFoundFault")
        #expect(unshared?.httpStatus == 404)
        #expect(unshared?.message == "DBClusterSnapshot not found: \(snapshot.arn)")

        _ = try await prod.modifyDBClusterSnapshotAttribute(identifier: "orders-snap", attributeName: "restore",
                                                            valuesToAdd: [SimFixture.dev], valuesToRemove: [])
        let visible = try await dev.describeDBClusterSnapshots(.init(includeShared: true)).items
        #expect(visible.map(\.identifier) == [snapshot.arn])
        #expect(visible.first?.snapshotType == "shared")
        let keyDenied = await SimFixture.awsError { _ = try await dev.restoreDBClusterFromSnapshot(restore) }
        #expect(keyDenied?.code == "KMSKeyNotAccessibleFault")

        #expect(await world.setKeyPolicy(keyArn: SimFixture.cmk, policy: SimFixture.sharedPolicy(owner: SimFixture.prod,
                                                                                                with: SimFixture.dev)))
        let noSubnet = await SimFixture.awsError {
            var input = restore; input.subnetGroup = "nope"
            _ = try await dev.restoreDBClusterFromSnapshot(input)
        }
        #expect(noSubnet?.message == "DB subnet group 'nope' does not exist.")
        let badGroup = await SimFixture.awsError {
            var input = restore; input.vpcSecurityGroupIds = ["sg-0000"]
            _ = try await dev.restoreDBClusterFromSnapshot(input)
        }
        #expect(badGroup?.message == "Invalid security group , groupId= sg-0000, groupName=.")
        var rekeyed = restore
        rekeyed.kmsKeyId = "alias/dev-restore"
        let cluster = try await dev.restoreDBClusterFromSnapshot(rekeyed)
        #expect(cluster.kmsKeyId == SimFixture.devCMK)
        #expect(cluster.members.isEmpty)
        let again = await SimFixture.code { _ = try await dev.restoreDBClusterFromSnapshot(restore) }
        #expect(again == "DBClusterAlreadyExistsFault")
    }

    @Test func crossAccountCopy_needsKmsKeyId_andAnExistingTargetKey() async throws {
        let (world, clock) = try SimFixture.world()
        let prod = SimFixture.rds(world, SimFixture.prod)
        let dev = SimFixture.rds(world, SimFixture.dev)
        let snapshot = try await availableSnapshot(prod, clock)
        _ = try await prod.modifyDBClusterSnapshotAttribute(identifier: "orders-snap", attributeName: "restore",
                                                            valuesToAdd: [SimFixture.dev], valuesToRemove: [])
        await world.setKeyPolicy(keyArn: SimFixture.cmk, policy: SimFixture.sharedPolicy(owner: SimFixture.prod, with: SimFixture.dev))
        let noKey = await SimFixture.code { _ = try await dev.copyDBClusterSnapshot(.init(source: snapshot.arn, target: "mine")) }
        #expect(noKey == "InvalidParameterValue")
        let missing = await SimFixture.awsError {
            _ = try await dev.copyDBClusterSnapshot(.init(source: snapshot.arn, target: "mine", kmsKeyId: "alias/nope"))
        }
        #expect(missing?.code == "KMSKeyNotAccessibleFault")
        #expect(missing?.message.hasPrefix("Specified KMS key [alias/nope]") == true)
        let copy = try await dev.copyDBClusterSnapshot(.init(source: snapshot.arn, target: "mine", kmsKeyId: SimFixture.devCMK))
        #expect(copy.status == "copying")
        #expect(copy.kmsKeyId == SimFixture.devCMK)
    }

    @Test func kmsDescribeKey_foreignKeyWithoutPermission_isAccessDenied_bareIdIsNotFound() async throws {
        let (world, _) = try SimFixture.world()
        let kms = SimKMS(world: world, caller: .account(SimFixture.dev), region: SimFixture.region)
        let denied = await SimFixture.awsError { _ = try await kms.describeKey(keyId: SimFixture.cmk) }
        #expect(denied?.code == "AccessDeniedException")
        #expect(denied?.message == "User: arn:aws:iam::222222222222:root is not authorized to perform: kms:DescribeKey on resource: "
                + "\(SimFixture.cmk) because no resource-based policy allows the kms:DescribeKey action")
        let bare = await SimFixture.awsError { _ = try await kms.describeKey(keyId: "0f9a8b7c-1111-2222-3333-444455556666") }
        #expect(bare?.code == "NotFoundException")
        let own = SimKMS(world: world, caller: .account(SimFixture.prod), region: SimFixture.region)
        #expect(try await own.describeKey(keyId: "alias/snapferry").isCustomerManaged)
        #expect(try await own.describeKey(keyId: "alias/aws/rds").keyManager == "AWS")
        let aliases = try await own.listAliases(keyId: nil, limit: nil, marker: nil).items.map(\.name)
        #expect(aliases == ["alias/aws/rds", "alias/snapferry"])
        let policy = await SimFixture.code { _ = try await kms.getKeyPolicy(keyId: SimFixture.cmk) }
        #expect(policy == "AccessDeniedException")
    }
}
