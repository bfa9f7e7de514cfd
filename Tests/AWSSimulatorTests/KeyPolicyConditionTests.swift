import AWSKit
import AWSSimulator
import Foundation
import SnapferryCore
import Testing

@Suite("Key policy conditions: kms:CallerAccount, kms:ViaService, kms:GrantIsForAWSResource, negated operators")
struct KeyPolicyConditionTests {
    typealias F = KeyUseFixture

    @Test(arguments: [SimJSON.string("*"), .object(["AWS": .string("*")])])
    func principalStar_narrowedByCallerAccount_letsOnlyThatAccount(principal: SimJSON) async throws {
        let policy = F.policy([
            F.owner,
            F.statement(principal: principal, actions: ["kms:*"],
                        condition: ["StringEquals": ["kms:CallerAccount": .string(SimFixture.dev)]]),
        ])
        let (world, snapshot) = try await F.world(keyPolicy: policy)
        #expect(await F.restore(world, .account(SimFixture.dev), snapshot) == nil)
        let refused = await F.restore(world, .account(F.third), snapshot)
        #expect(refused?.code == "KMSKeyNotAccessibleFault")
        #expect(refused?.httpStatus == 400)
        #expect(refused?.message.hasPrefix("The source snapshot KMS key [\(SimFixture.cmk)] does not exist, is not enabled or "
                                            + "you do not have permissions to access it.") == true)
        #expect(refused?.message.contains("(simulator: the key policy does not allow kms:") == true)
        #expect(refused?.message.hasSuffix(" for arn:aws:iam::333333333333:root)") == true)
    }

    @Test func viaService_forEuWest1_refusesAUseInAnotherRegion() async throws {
        let eastKey = "arn:aws:kms:us-east-1:111111111111:key/0f9a8b7c-4444-2222-3333-444455556666"
        let policy = F.policy([
            F.owner,
            F.statement(principal: F.aws(F.root(SimFixture.dev)), actions: ["kms:*"],
                        condition: ["StringEquals": ["kms:ViaService": .string("rds.eu-west-1.amazonaws.com")]]),
        ])
        var scenario = F.scenario(keyPolicy: policy)
        scenario.regions.append("us-east-1")
        scenario.kmsKeys.append(.init(arn: eastKey, aliases: ["alias/snapferry"], policy: policy))
        scenario.clusters.append(.init(account: SimFixture.prod, region: "us-east-1", id: "orders-east", kmsKey: eastKey))
        let (world, clock) = try SimFixture.world(scenario)
        var shared: [String: String] = [:]
        for (region, cluster) in [("eu-west-1", "orders-prod"), ("us-east-1", "orders-east")] {
            let prod = SimRDS(world: world, caller: .account(SimFixture.prod), region: region)
            shared[region] = try await prod.createDBClusterSnapshot(identifier: "snap", clusterIdentifier: cluster, tags: []).arn
            clock.advance(by: .seconds(600))
            _ = try await prod.modifyDBClusterSnapshotAttribute(identifier: "snap", attributeName: "restore",
                                                                valuesToAdd: [SimFixture.dev], valuesToRemove: [])
        }
        let dev = SimCaller.account(SimFixture.dev)
        #expect(await F.restore(world, dev, try #require(shared["eu-west-1"])) == nil)
        let east = await F.restore(world, dev, try #require(shared["us-east-1"]), region: "us-east-1")
        #expect(east?.code == "KMSKeyNotAccessibleFault")
        #expect(east?.message.contains("[\(eastKey)]") == true)
    }

    @Test func grantStatement_withGrantIsForAWSResourceTrue_allowsRDSsGrants_falseDoesNot() async throws {
        let (world, snapshot) = try await F.world(keyPolicy: F.keyPolicy(for: [SimFixture.dev]))
        #expect(await F.restore(world, .account(SimFixture.dev), snapshot) == nil)

        let grantsNotForResources = F.policy([
            F.owner,
            F.statement(principal: F.aws(F.root(SimFixture.dev)),
                        actions: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey",
                                  "kms:CreateGrant"]),
            F.statement(principal: F.aws(F.root(SimFixture.dev)), actions: F.grantActions,
                        condition: ["Bool": ["kms:GrantIsForAWSResource": .string("false")]]),
        ])
        let (refusing, snapshot2) = try await F.world(keyPolicy: grantsNotForResources)
        let refused = await F.restore(refusing, .account(SimFixture.dev), snapshot2)
        #expect(refused?.code == "KMSKeyNotAccessibleFault")
        #expect(refused?.message.contains("the key policy does not allow kms:ListGrants") == true)
        // The simulator has no CreateGrant API, so the direct-call half (where the key is absent) is not tested here.
    }

    @Test func denyWithStringNotEquals_blocksOnlyTheAccountsOutsideItsList() async throws {
        let deny = F.statement("Deny", principal: .string("*"), actions: ["kms:*"],
                               condition: ["StringNotEquals": ["kms:CallerAccount": .array([.string(SimFixture.prod),
                                                                                            .string(SimFixture.dev)])]])
        let (world, snapshot) = try await F.world(keyPolicy: F.keyPolicy(for: [SimFixture.dev, F.third], extra: [deny]))
        #expect(await F.restore(world, .account(SimFixture.dev), snapshot) == nil)
        #expect(await F.restore(world, .account(SimFixture.prod), snapshot) == nil)
        let third = await F.restore(world, .account(F.third), snapshot)
        #expect(third?.code == "KMSKeyNotAccessibleFault")
        #expect(third?.message.contains("the key policy explicitly denies kms:") == true)
    }

    /// AWS: with the key missing from the request (a direct DescribeKey has no `kms:ViaService`),
    /// a negated operator is true and a positive one false; `...IfExists` makes either true.
    @Test func missingKey_negatedOperatorIsTrue_positiveIsFalse_ifExistsIsTrue() async throws {
        let deny = F.statement("Deny", principal: .string("*"), actions: ["kms:DescribeKey"],
                               condition: ["StringNotEquals": ["kms:ViaService": .string("rds.eu-west-1.amazonaws.com")]])
        let (world, snapshot) = try await F.world(keyPolicy: F.keyPolicy(for: [SimFixture.dev], extra: [deny]))
        let kms = SimKMS(world: world, caller: .account(SimFixture.dev), region: SimFixture.region)
        let direct = await SimFixture.awsError { _ = try await kms.describeKey(keyId: SimFixture.cmk) }
        #expect(direct?.code == "AccessDeniedException")
        #expect(direct?.message == "User: arn:aws:iam::222222222222:root is not authorized to perform: kms:DescribeKey on "
                + "resource: \(SimFixture.cmk) with an explicit deny in a resource-based policy")
        #expect(await F.restore(world, .account(SimFixture.dev), snapshot) == nil)

        func describe(allowingWith op: String) async throws -> AWSError? {
            let allow = F.statement(principal: F.aws(F.root(SimFixture.dev)), actions: ["kms:DescribeKey"],
                                    condition: [op: ["kms:ViaService": .string("rds.eu-west-1.amazonaws.com")]])
            let (world, _) = try await F.world(keyPolicy: F.policy([F.owner, allow]))
            let kms = SimKMS(world: world, caller: .account(SimFixture.dev), region: SimFixture.region)
            return await SimFixture.awsError { _ = try await kms.describeKey(keyId: SimFixture.cmk) }
        }
        let positive = try await describe(allowingWith: "StringEquals")
        #expect(positive?.message.hasSuffix("because no resource-based policy allows the kms:DescribeKey action") == true)
        #expect(try await describe(allowingWith: "StringEqualsIfExists") == nil)
    }
}
