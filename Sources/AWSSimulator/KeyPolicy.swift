import Foundation

/// The key policies AWS gives keys it creates (`IAMPolicy` evaluates them).
enum KeyPolicy {
    /// The policy AWS gives a key created without one: the owning account's root may do everything.
    static func defaultPolicy(account: String) -> SimJSON {
        .object([
            "Version": .string("2012-10-17"), "Id": .string("key-default-1"),
            "Statement": .array([.object([
                "Sid": .string("Enable IAM User Permissions"), "Effect": .string("Allow"),
                "Principal": .object(["AWS": .string("arn:aws:iam::\(account):root")]),
                "Action": .string("kms:*"), "Resource": .string("*"),
            ])]),
        ])
    }

    /// The shape of an AWS-managed key's policy: usable only through the service, only by its own account.
    static func awsManagedPolicy(account: String, service: String, region: String) -> SimJSON {
        .object([
            "Version": .string("2012-10-17"), "Id": .string("auto-\(service)-2"),
            "Statement": .array([.object([
                "Sid": .string("Allow access through \(service.uppercased()) for all principals in the account that are authorized to use \(service.uppercased())"),
                "Effect": .string("Allow"), "Principal": .object(["AWS": .string("*")]),
                "Action": .array(["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant",
                                  "kms:ListGrants", "kms:DescribeKey"].map(SimJSON.string)),
                "Resource": .string("*"),
                "Condition": .object(["StringEquals": .object([
                    "kms:CallerAccount": .string(account),
                    "kms:ViaService": .string("\(service).\(region).amazonaws.com"),
                ])]),
            ])]),
        ])
    }
}
