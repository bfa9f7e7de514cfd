import AWSKit
import AWSSimulator
import Foundation
import SnapferryCore
import Testing

@Suite("Key policy and identity policy together")
struct CrossAccountKeyUseTests {
    typealias F = KeyUseFixture

    static let everyAction = F.useActions + ["kms:ListGrants", "kms:RevokeGrant", "kms:RetireGrant"]

    private func identity(_ actions: [String], resource: String = SimFixture.cmk, extra: [SimJSON] = []) -> [SimJSON] {
        [F.policy([F.statement(actions: actions, resource: resource)] + extra)]
    }

    @Test func crossAccount_needsTheKeyPolicyAndTheRolesIdentityPolicy() async throws {
        // Key policy allows, identity policy lacks kms:Decrypt.
        let (lacking, snapshot1) = try await F.world(keyPolicy: F.keyPolicy(for: [SimFixture.dev]),
                                                      rolePolicies: identity(Self.everyAction.filter { $0 != "kms:Decrypt" }))
        let noIdentity = await F.restore(lacking, try await F.restoreRole(lacking), snapshot1)
        #expect(noIdentity?.code == "KMSKeyNotAccessibleFault")
        #expect(noIdentity?.message.contains("the caller's identity policies do not allow kms:Decrypt for "
                                             + "arn:aws:sts::222222222222:assumed-role/snapferry-restore/snapferry") == true)

        // Identity policy allows everything on the key, the key policy lacks kms:Encrypt.
        let withoutEncrypt = F.policy([
            F.owner,
            F.statement(principal: F.aws(F.root(SimFixture.dev)),
                        actions: ["kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey", "kms:CreateGrant"]),
            F.statement(principal: F.aws(F.root(SimFixture.dev)), actions: F.grantActions,
                        condition: ["Bool": ["kms:GrantIsForAWSResource": .string("true")]]),
        ])
        let (keyLacking, snapshot2) = try await F.world(keyPolicy: withoutEncrypt, rolePolicies: identity(Self.everyAction))
        let noKey = await F.restore(keyLacking, try await F.restoreRole(keyLacking), snapshot2)
        #expect(noKey?.code == "KMSKeyNotAccessibleFault")
        #expect(noKey?.message.contains("the key policy does not allow kms:Encrypt") == true)

        // Both.
        let (both, snapshot3) = try await F.world(keyPolicy: F.keyPolicy(for: [SimFixture.dev]), rolePolicies: identity(Self.everyAction))
        #expect(await F.restore(both, try await F.restoreRole(both), snapshot3) == nil)
    }

    @Test func identityPolicy_forAnotherKey_orWithAnExplicitDeny_refuses() async throws {
        let otherKey = identity(Self.everyAction, resource: "arn:aws:kms:eu-west-1:111111111111:key/another")
        let (world, snapshot) = try await F.world(keyPolicy: F.keyPolicy(for: [SimFixture.dev]), rolePolicies: otherKey)
        #expect(await F.restore(world, try await F.restoreRole(world), snapshot)?.code == "KMSKeyNotAccessibleFault")

        let wildcard = identity(["kms:*"], resource: "arn:aws:kms:eu-west-1:111111111111:key/*",
                                extra: [F.statement("Deny", actions: ["kms:Decrypt"])])
        let (denied, snapshot2) = try await F.world(keyPolicy: F.keyPolicy(for: [SimFixture.dev]), rolePolicies: wildcard)
        let refused = await F.restore(denied, try await F.restoreRole(denied), snapshot2)
        #expect(refused?.message.contains("the caller's identity policies explicitly deny kms:Decrypt") == true)

        let allowed = identity(["kms:*"], resource: "arn:aws:kms:eu-west-1:111111111111:key/*")
        let (granted, snapshot3) = try await F.world(keyPolicy: F.keyPolicy(for: [SimFixture.dev]), rolePolicies: allowed)
        #expect(await F.restore(granted, try await F.restoreRole(granted), snapshot3) == nil)
    }

    @Test func roleWithoutPolicies_hasAnAllowAllIdentityPolicy_butAnEmptyListAllowsNothing() async throws {
        let (world, snapshot) = try await F.world(keyPolicy: F.keyPolicy(for: [SimFixture.dev]), rolePolicies: nil)
        #expect(await F.restore(world, try await F.restoreRole(world), snapshot) == nil)
        let (none, snapshot2) = try await F.world(keyPolicy: F.keyPolicy(for: [SimFixture.dev]), rolePolicies: [])
        #expect(await F.restore(none, try await F.restoreRole(none), snapshot2)?.code == "KMSKeyNotAccessibleFault")
    }

    /// In the key's own account, a key policy that names the role itself is enough; one that
    /// names only the account root delegates to IAM, so the role's identity policy must allow it.
    @Test func sameAccount_keyPolicyNamingTheRole_needsNoIdentityPolicy_rootDelegationDoes() async throws {
        let prodRole = "arn:aws:iam::111111111111:role/snapshotter"
        func world(_ keyPolicy: SimJSON) async throws -> (SimWorld, SimCaller) {
            var scenario = F.scenario(keyPolicy: keyPolicy)
            let trust = F.policy([.object(["Effect": .string("Allow"), "Principal": F.aws(F.root(SimFixture.prod)),
                                           "Action": .string("sts:AssumeRole")])])
            scenario.roles.append(.init(arn: prodRole, trustPolicy: trust, policies: []))
            let (world, clock) = try SimFixture.world(scenario)
            _ = try await SimFixture.rds(world, SimFixture.prod)
                .createDBClusterSnapshot(identifier: "orders-snap", clusterIdentifier: "orders-prod", tags: [])
            clock.advance(by: .seconds(600))
            let sts = SimSTS(world: world, caller: .account(SimFixture.prod), region: SimFixture.region)
            let session = try await sts.assumeRole(roleArn: prodRole, sessionName: "s1", externalId: nil, durationSeconds: nil)
            return (world, .accessKey(session.credential.accessKeyId, sessionToken: session.credential.sessionToken))
        }
        let (delegated, caller) = try await world(F.policy([F.owner]))
        let refused = await F.restore(delegated, caller, "orders-snap")
        #expect(refused?.message.contains("the caller's identity policies do not allow") == true)

        let (direct, roleCaller) = try await world(F.policy([F.owner, F.statement(principal: F.aws(prodRole), actions: ["kms:*"])]))
        #expect(await F.restore(direct, roleCaller, "orders-snap") == nil)
    }

    @Test func reKeyingRestore_needsTheSameActionsOnTheTargetKey() async throws {
        var scenario = F.scenario(keyPolicy: F.keyPolicy(for: [SimFixture.dev]))
        scenario.kmsKeys[1].policy = F.policy([
            F.statement(principal: F.aws(F.root(SimFixture.dev)), notActions: ["kms:ReEncryptTo"]),
        ])
        let (world, clock) = try SimFixture.world(scenario)
        let prod = SimFixture.rds(world, SimFixture.prod)
        let snapshot = try await prod.createDBClusterSnapshot(identifier: "orders-snap", clusterIdentifier: "orders-prod", tags: [])
        clock.advance(by: .seconds(600))
        _ = try await prod.modifyDBClusterSnapshotAttribute(identifier: "orders-snap", attributeName: "restore",
                                                            valuesToAdd: [SimFixture.dev], valuesToRemove: [])
        let dev = SimCaller.account(SimFixture.dev)
        let refused = await F.restore(world, dev, snapshot.arn, kmsKeyId: "alias/dev-restore")
        #expect(refused?.code == "KMSKeyNotAccessibleFault")
        #expect(refused?.message.hasPrefix("Specified KMS key [alias/dev-restore] does not exist") == true)
        #expect(refused?.message.contains("the key policy does not allow kms:ReEncryptTo") == true)
        #expect(await F.restore(world, dev, snapshot.arn) == nil)
    }
}
