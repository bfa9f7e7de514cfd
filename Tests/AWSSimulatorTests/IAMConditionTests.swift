@testable import AWSSimulator
import Foundation
import Testing

/// Condition operators against hand-written request contexts (expected outcomes from the IAM
/// User Guide's rules, not from the evaluator).
@Suite("IAM condition operators")
struct IAMConditionTests {
    static let session = IAMCaller(account: "222222222222", arn: "arn:aws:sts::222222222222:assumed-role/restore/s1",
                                   roleArn: "arn:aws:iam::222222222222:role/restore")

    private func holds(_ op: String, _ key: String, _ values: [String], context: [String: String] = [:]) -> Bool {
        let request = IAMRequest(caller: Self.session, action: "kms:Decrypt", resource: "*", context: context)
        return IAMCondition.holds(.object([op: .object([key: .array(values.map(SimJSON.string))])]), request)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var op: String, key: String, values: [String], context: [String: String], expected: Bool
        var testDescription: String { "\(op) \(key) \(values) in \(context) → \(expected)" }
    }

    static let via = ["kms:ViaService": "rds.eu-west-1.amazonaws.com"]

    @Test(arguments: [
        Case(op: "StringEquals", key: "kms:ViaService", values: ["rds.eu-west-1.amazonaws.com"], context: via, expected: true),
        Case(op: "StringEquals", key: "KMS:VIASERVICE", values: ["rds.eu-west-1.amazonaws.com"], context: via, expected: true),
        Case(op: "StringEquals", key: "kms:ViaService", values: ["RDS.eu-west-1.amazonaws.com"], context: via, expected: false),
        Case(op: "StringEqualsIgnoreCase", key: "kms:ViaService", values: ["RDS.EU-WEST-1.amazonaws.com"], context: via, expected: true),
        Case(op: "StringNotEqualsIgnoreCase", key: "kms:ViaService", values: ["RDS.EU-WEST-1.amazonaws.com"], context: via,
             expected: false),
        Case(op: "StringEquals", key: "kms:ViaService", values: ["ec2.eu-west-1.amazonaws.com", "rds.eu-west-1.amazonaws.com"],
             context: via, expected: true),
        Case(op: "StringNotEquals", key: "kms:ViaService", values: ["ec2.eu-west-1.amazonaws.com", "rds.eu-west-1.amazonaws.com"],
             context: via, expected: false),
        Case(op: "StringNotEquals", key: "kms:ViaService", values: ["ec2.eu-west-1.amazonaws.com"], context: via, expected: true),
        Case(op: "StringLike", key: "kms:ViaService", values: ["rds.*.amazonaws.com"], context: via, expected: true),
        Case(op: "StringLike", key: "kms:ViaService", values: ["rds.us-?ast-1.*"], context: via, expected: false),
        Case(op: "StringNotLike", key: "kms:ViaService", values: ["rds.*"], context: via, expected: false),
        // A missing key: positive operators false, negated true, IfExists true, Null true.
        Case(op: "StringEquals", key: "kms:ViaService", values: ["rds.eu-west-1.amazonaws.com"], context: [:], expected: false),
        Case(op: "StringLike", key: "kms:ViaService", values: ["*"], context: [:], expected: false),
        Case(op: "StringNotEquals", key: "kms:ViaService", values: ["rds.eu-west-1.amazonaws.com"], context: [:], expected: true),
        Case(op: "StringNotLike", key: "kms:ViaService", values: ["rds.*"], context: [:], expected: true),
        Case(op: "ArnNotLike", key: "aws:SourceArn", values: ["arn:aws:rds:*:*:cluster:*"], context: [:], expected: true),
        Case(op: "StringEqualsIfExists", key: "kms:ViaService", values: ["ec2.eu-west-1.amazonaws.com"], context: [:],
             expected: true),
        Case(op: "StringEqualsIfExists", key: "kms:ViaService", values: ["ec2.eu-west-1.amazonaws.com"], context: via,
             expected: false),
        Case(op: "StringNotEqualsIfExists", key: "kms:ViaService", values: ["rds.eu-west-1.amazonaws.com"], context: via,
             expected: false),
        Case(op: "Bool", key: "kms:GrantIsForAWSResource", values: ["true"], context: [:], expected: false),
        Case(op: "BoolIfExists", key: "kms:GrantIsForAWSResource", values: ["true"], context: [:], expected: true),
        Case(op: "Bool", key: "kms:GrantIsForAWSResource", values: ["true"], context: ["kms:GrantIsForAWSResource": "true"],
             expected: true),
        Case(op: "Bool", key: "kms:GrantIsForAWSResource", values: ["false"], context: ["kms:GrantIsForAWSResource": "true"],
             expected: false),
        Case(op: "Null", key: "kms:ViaService", values: ["true"], context: [:], expected: true),
        Case(op: "Null", key: "kms:ViaService", values: ["true"], context: via, expected: false),
        Case(op: "ForAllValues:StringEquals", key: "kms:ViaService", values: ["x"], context: [:], expected: true),
        Case(op: "ForAnyValue:StringEquals", key: "kms:ViaService", values: ["x"], context: [:], expected: false),
        Case(op: "ForAnyValue:StringLike", key: "kms:ViaService", values: ["rds.*"], context: via, expected: true),
        // Global keys every request carries: the session's role is aws:PrincipalArn.
        Case(op: "ArnEquals", key: "aws:PrincipalArn", values: ["arn:aws:iam::222222222222:role/restore"], context: [:],
             expected: true),
        Case(op: "ArnLike", key: "aws:PrincipalArn", values: ["arn:aws:iam::*:role/rest*"], context: [:], expected: true),
        Case(op: "ArnLike", key: "aws:PrincipalArn", values: ["arn:aws:iam::*:role"], context: [:], expected: false),
        Case(op: "ArnNotEquals", key: "aws:PrincipalArn", values: ["arn:aws:iam::222222222222:role/restore"], context: [:],
             expected: false),
        Case(op: "ArnNotLike", key: "aws:PrincipalArn", values: ["arn:aws:iam::111111111111:*"], context: [:], expected: true),
        Case(op: "StringEquals", key: "aws:PrincipalAccount", values: ["222222222222"], context: [:], expected: true),
        Case(op: "NumericLessThan", key: "aws:PrincipalAccount", values: ["1"], context: [:], expected: false),
    ])
    func conditionOperator(_ c: Case) {
        #expect(holds(c.op, c.key, c.values, context: c.context) == c.expected)
    }

    @Test func everyOperatorAndKeyMustHold() {
        let request = IAMRequest(caller: Self.session, action: "kms:Decrypt", resource: "*", context: Self.via)
        let both: SimJSON = .object([
            "StringEquals": .object(["kms:ViaService": .string("rds.eu-west-1.amazonaws.com"),
                                     "aws:PrincipalAccount": .string("222222222222")]),
            "ArnLike": .object(["aws:PrincipalArn": .string("arn:aws:iam::222222222222:role/*")]),
        ])
        #expect(IAMCondition.holds(both, request))
        let oneFails: SimJSON = .object([
            "StringEquals": .object(["kms:ViaService": .string("rds.eu-west-1.amazonaws.com"),
                                     "aws:PrincipalAccount": .string("111111111111")]),
        ])
        #expect(!IAMCondition.holds(oneFails, request))
    }
}
