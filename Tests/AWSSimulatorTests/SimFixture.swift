import AWSKit
import AWSSimulator
import Foundation
import SnapferryCore
import Testing

/// Shared scenario: a prod account (111…) with a CMK and a cluster, a dev account
/// (222…) with a restore role, a subnet group and a security group.
enum SimFixture {
    static let prod = "111111111111"
    static let dev = "222222222222"
    static let region = "eu-west-1"
    static let start = Date(timeIntervalSince1970: 1_796_083_200) // 2026-12-01T00:00:00Z
    static let cmk = "arn:aws:kms:eu-west-1:111111111111:key/0f9a8b7c-1111-2222-3333-444455556666"
    static let devCMK = "arn:aws:kms:eu-west-1:222222222222:key/0f9a8b7c-2222-2222-3333-444455556666"
    static let restoreRole = "arn:aws:iam::222222222222:role/snapferry-restore"

    static func ownerOnlyPolicy(_ account: String) -> SimJSON {
        .object(["Version": .string("2012-10-17"), "Statement": .object([
            "Effect": .string("Allow"), "Principal": .object(["AWS": .string("arn:aws:iam::\(account):root")]),
            "Action": .string("kms:*"), "Resource": .string("*"),
        ])])
    }

    static func sharedPolicy(owner: String, with target: String) -> SimJSON {
        .object(["Version": .string("2012-10-17"), "Statement": .array([
            .object(["Effect": .string("Allow"), "Principal": .object(["AWS": .string("arn:aws:iam::\(owner):root")]),
                     "Action": .string("kms:*"), "Resource": .string("*")]),
            .object(["Effect": .string("Allow"), "Principal": .object(["AWS": .array([.string("arn:aws:iam::\(target):root")])]),
                     "Action": .array(["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey", "kms:ReEncrypt*", "kms:GenerateDataKey*",
                                       "kms:CreateGrant"].map(SimJSON.string)),
                     "Resource": .string("*")]),
            .object(["Effect": .string("Allow"), "Principal": .object(["AWS": .array([.string("arn:aws:iam::\(target):root")])]),
                     "Action": .array(["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"].map(SimJSON.string)),
                     "Resource": .string("*"),
                     "Condition": .object(["Bool": .object(["kms:GrantIsForAWSResource": .string("true")])])]),
        ])])
    }

    static func scenario(throttle: SimScenario.Throttle? = nil, quotas: SimScenario.Quotas = SimScenario.Quotas(),
                         lenient: Bool = false) -> SimScenario {
        let trust: SimJSON = .object(["Version": .string("2012-10-17"), "Statement": .array([.object([
            "Effect": .string("Allow"), "Principal": .object(["AWS": .string("arn:aws:iam::\(prod):root")]),
            "Action": .string("sts:AssumeRole"),
            "Condition": .object(["StringEquals": .object(["sts:ExternalId": .string("fleet-1")])]),
        ])])])
        return SimScenario(
            start: "2026-12-01T00:00:00Z", regions: [region],
            accounts: [
                .init(id: prod, accessKeys: [.init(id: "AKIAPROD000000000001", secret: "prod-secret", user: "snapferry")],
                      quotas: quotas),
                .init(id: dev, accessKeys: [.init(id: "AKIADEV0000000000001", secret: "dev-secret")], quotas: quotas),
            ],
            kmsKeys: [.init(arn: cmk, aliases: ["alias/snapferry"], policy: ownerOnlyPolicy(prod)),
                      .init(arn: devCMK, aliases: ["alias/dev-restore"])],
            roles: [.init(arn: restoreRole, trustPolicy: trust, maxSessionSeconds: 7200)],
            dbSubnetGroups: [.init(account: dev, region: region, name: "dev-db")],
            securityGroups: [.init(account: dev, region: region, id: "sg-0123456789abcdef0")],
            clusters: [
                .init(account: prod, region: region, id: "orders-prod", kmsKey: "alias/snapferry", sizeGb: 200, instances: 2,
                      backupRetentionDays: 2, tags: ["team": "orders"]),
                .init(account: prod, region: region, id: "legacy", sizeGb: 20, instances: 0),
            ],
            throttle: throttle, lenientAwsRdsShare: lenient)
    }

    /// A world on a manual clock starting at the scenario's start.
    static func world(_ scenario: SimScenario = scenario()) throws -> (SimWorld, ManualClock) {
        let clock = ManualClock(start: start)
        let world = try SimWorld(scenario: scenario, now: { clock.nowDate })
        return (world, clock)
    }

    static func rds(_ world: SimWorld, _ account: String) -> SimRDS {
        SimRDS(world: world, caller: .account(account), region: region)
    }

    /// The AWSError code thrown by `body`, or nil.
    static func code(_ body: () async throws -> Void) async -> String? {
        do { try await body(); return nil } catch let error as AWSError { return error.code } catch { return "\(error)" }
    }

    /// The AWSError thrown by `body`, or nil.
    static func awsError(_ body: () async throws -> Void) async -> AWSError? {
        do { try await body(); return nil } catch { return error as? AWSError }
    }
}
