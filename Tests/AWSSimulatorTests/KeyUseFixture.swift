import AWSKit
import AWSSimulator
import Foundation
import SnapferryCore
import Testing

/// SimFixture's world plus a third account, a restore role whose permission policies a test
/// chooses, and a prod snapshot under the CMK shared with dev and the third account.
enum KeyUseFixture {
    static let third = "333333333333"
    static let thirdCMK = "arn:aws:kms:eu-west-1:333333333333:key/0f9a8b7c-3333-2222-3333-444455556666"

    /// The use actions, written out by hand from the project's brief (not read from the simulator).
    static let useActions = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey",
                             "kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey", "kms:CreateGrant"]
    static let grantActions = ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"]

    static func root(_ account: String) -> String { "arn:aws:iam::\(account):root" }

    static func statement(_ effect: String = "Allow", principal: SimJSON? = nil, notPrincipal: SimJSON? = nil,
                          actions: [String]? = nil, notActions: [String]? = nil, resource: String = "*",
                          condition: [String: [String: SimJSON]]? = nil) -> SimJSON {
        var members: [String: SimJSON] = ["Effect": .string(effect), "Resource": .string(resource)]
        if let principal { members["Principal"] = principal }
        if let notPrincipal { members["NotPrincipal"] = notPrincipal }
        if let actions { members["Action"] = .array(actions.map(SimJSON.string)) }
        if let notActions { members["NotAction"] = .array(notActions.map(SimJSON.string)) }
        if let condition { members["Condition"] = .object(condition.mapValues { SimJSON.object($0) }) }
        return .object(members)
    }

    static func aws(_ principals: String...) -> SimJSON { .object(["AWS": .array(principals.map(SimJSON.string))]) }

    static func policy(_ statements: [SimJSON]) -> SimJSON {
        .object(["Version": .string("2012-10-17"), "Statement": .array(statements)])
    }

    static let owner = statement(principal: aws(root(SimFixture.prod)), actions: ["kms:*"])

    /// Owner statement plus use and grant statements for `accounts`, as `snapferry policy` writes them.
    static func keyPolicy(for accounts: [String], extra: [SimJSON] = []) -> SimJSON {
        let principals = SimJSON.object(["AWS": .array(accounts.map { .string(root($0)) })])
        return policy([
            owner,
            statement(principal: principals, actions: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*",
                                                       "kms:DescribeKey", "kms:CreateGrant"]),
            statement(principal: principals, actions: grantActions,
                      condition: ["Bool": ["kms:GrantIsForAWSResource": .string("true")]]),
        ] + extra)
    }

    static func scenario(keyPolicy: SimJSON, rolePolicies: [SimJSON]? = nil) -> SimScenario {
        var scenario = SimFixture.scenario()
        scenario.accounts.append(.init(id: third))
        scenario.kmsKeys[0].policy = keyPolicy
        scenario.kmsKeys.append(.init(arn: thirdCMK))
        scenario.roles[0].policies = rolePolicies
        return scenario
    }

    /// A world whose prod snapshot `orders-snap` (under the CMK) is available and shared with dev and the third account.
    static func world(keyPolicy: SimJSON, rolePolicies: [SimJSON]? = nil) async throws -> (SimWorld, String) {
        let (world, clock) = try SimFixture.world(scenario(keyPolicy: keyPolicy, rolePolicies: rolePolicies))
        let prod = SimFixture.rds(world, SimFixture.prod)
        let snapshot = try await prod.createDBClusterSnapshot(identifier: "orders-snap", clusterIdentifier: "orders-prod", tags: [])
        clock.advance(by: .seconds(600))
        _ = try await prod.modifyDBClusterSnapshotAttribute(identifier: "orders-snap", attributeName: "restore",
                                                            valuesToAdd: [SimFixture.dev, third], valuesToRemove: [])
        return (world, snapshot.arn)
    }

    /// A session of dev's restore role, assumed by prod's access key.
    static func restoreRole(_ world: SimWorld) async throws -> SimCaller {
        let sts = SimSTS(world: world, caller: .accessKey("AKIAPROD000000000001", sessionToken: nil), region: SimFixture.region)
        let session = try await sts.assumeRole(roleArn: SimFixture.restoreRole, sessionName: "snapferry", externalId: "fleet-1",
                                               durationSeconds: nil)
        return .accessKey(session.credential.accessKeyId, sessionToken: session.credential.sessionToken)
    }

    /// Restores `snapshot` as `caller` (no subnet or security groups needed); the error, or nil on success.
    static func restore(_ world: SimWorld, _ caller: SimCaller, _ snapshot: String, kmsKeyId: String? = nil,
                        region: String = SimFixture.region) async -> AWSError? {
        let rds = SimRDS(world: world, caller: caller, region: region)
        var input = RestoreDBClusterFromSnapshotInput(clusterIdentifier: "orders-copy", snapshotIdentifier: snapshot,
                                                      engine: "aurora-postgresql")
        input.kmsKeyId = kmsKeyId
        return await SimFixture.awsError { _ = try await rds.restoreDBClusterFromSnapshot(input) }
    }
}
