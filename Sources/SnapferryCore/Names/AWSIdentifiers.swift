import Foundation

/// Syntax rules of the AWS identifiers a fleet file names. Pure checks that
/// return a message saying what is wrong, or `nil` when the value is valid.
public enum AWSIdentifiers {
    /// A 12-digit AWS account id.
    public static func accountIDProblem(_ id: String) -> String? {
        let valid = isASCII(id) ? id.utf8.count == 12 && id.utf8.allSatisfy(isDigit)
            : id.count == 12 && id.allSatisfy({ $0.isASCII && $0.isNumber })
        guard valid else {
            return "account id must be exactly 12 digits (quote it in YAML so leading zeros survive), got \"\(id)\""
        }
        return nil
    }

    /// AWS region names such as `eu-west-1`, `us-gov-west-1`, `ap-southeast-2`.
    public static func regionProblem(_ region: String) -> String? {
        let parts = region.split(separator: "-", omittingEmptySubsequences: false)
        let ok = parts.count >= 3
            && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber) } }
            && parts.last.map { $0.allSatisfy(\.isNumber) } == true
        return ok ? nil : "not an AWS region name (like eu-west-1), got \"\(region)\""
    }

    /// RDS identifier rules for DB clusters (max 63) and snapshots (max 255):
    /// letters, digits and hyphens; starts with a letter; no `--`; no trailing hyphen.
    public static func rdsIdentifierProblem(_ id: String, maxLength: Int = 63) -> String? {
        guard let first = id.first else { return "must not be empty" }
        guard first.isASCII, first.isLetter else { return "must start with a letter, got \"\(id)\"" }
        let allowed = isASCII(id) ? id.utf8.allSatisfy { isLetter($0) || isDigit($0) || $0 == UInt8(ascii: "-") }
            : id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
        guard allowed else {
            return "may contain only letters, digits and hyphens, got \"\(id)\""
        }
        // Only ASCII letters, digits and hyphens are left: one byte each.
        let hyphen = UInt8(ascii: "-")
        if zip(id.utf8, id.utf8.dropFirst()).contains(where: { $0 == hyphen && $1 == hyphen }) {
            return "must not contain two hyphens in a row, got \"\(id)\""
        }
        if id.utf8.last == hyphen { return "must not end with a hyphen, got \"\(id)\"" }
        if id.utf8.count > maxLength { return "must be at most \(maxLength) characters, got \(id.utf8.count)" }
        return nil
    }

    /// An EC2 VPC security group id (`sg-` and 8 or 17 hex digits).
    public static func securityGroupProblem(_ id: String) -> String? {
        let hex = id.dropFirst(3)
        let lowerHex = isASCII(id) ? hex.utf8.allSatisfy { isDigit($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }
            : hex.allSatisfy({ $0.isHexDigit && !$0.isUppercase })
        guard id.hasPrefix("sg-"), hex.count == 8 || hex.count == 17, lowerHex else {
            return "not a security group id (sg- followed by 8 or 17 lower-case hex digits), got \"\(id)\""
        }
        return nil
    }

    // Byte checks for all-ASCII text, where they agree with Character's properties and are much
    // cheaper (a fleet file checks thousands of names); other text takes the Character checks.
    private static func isASCII(_ s: String) -> Bool { s.utf8.allSatisfy { $0 < 0x80 } }
    private static func isDigit(_ b: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) }
    private static func isLetter(_ b: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(b) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(b)
    }
}

/// A parsed ARN: `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`.
public struct ARN: Sendable, Hashable, CustomStringConvertible {
    /// `aws`, `aws-cn`, `aws-us-gov`.
    public let partition: String
    /// The service namespace, e.g. `iam`, `kms`, `rds`.
    public let service: String
    /// Empty for global services such as IAM.
    public let region: String
    /// The 12-digit owning account.
    public let account: String
    /// Everything after the account field, e.g. `role/snapferry` or `key/uuid`.
    public let resource: String

    /// Parses an ARN; returns nil when it does not have six colon-separated fields.
    public init?(_ string: String) {
        let parts = string.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", !parts[1].isEmpty, !parts[2].isEmpty, !parts[5].isEmpty
        else { return nil }
        partition = String(parts[1]); service = String(parts[2]); region = String(parts[3])
        account = String(parts[4]); resource = String(parts[5])
    }

    /// The ARN in its canonical string form.
    public var description: String { "arn:\(partition):\(service):\(region):\(account):\(resource)" }

    /// Checks an IAM role ARN (`arn:aws:iam::<account>:role/<path/>name`).
    public static func roleProblem(_ string: String, expectedAccount: String?) -> String? {
        guard let arn = ARN(string), arn.service == "iam", arn.region.isEmpty,
              arn.resource.hasPrefix("role/"), arn.resource.count > 5,
              AWSIdentifiers.accountIDProblem(arn.account) == nil else {
            return "not an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>), got \"\(string)\""
        }
        if let expected = expectedAccount, expected != arn.account {
            return "role is in account \(arn.account) but this account's id is \(expected)"
        }
        return nil
    }

    /// Checks a KMS key ARN (`arn:aws:kms:<region>:<account>:key/<id>`): an alias
    /// cannot be named in a key policy or granted across accounts, so a key ARN is required.
    public static func kmsKeyProblem(_ string: String, expectedRegion: String?, expectedAccount: String?) -> String? {
        guard let arn = ARN(string), arn.service == "kms" else {
            return "not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>), got \"\(string)\""
        }
        if arn.resource.hasPrefix("alias/") {
            return "an alias cannot be shared across accounts or named in IAM policies; use the key ARN (arn:aws:kms:\(arn.region):\(arn.account):key/<key-id>)"
        }
        guard arn.resource.hasPrefix("key/"), arn.resource.count > 4,
              AWSIdentifiers.accountIDProblem(arn.account) == nil,
              AWSIdentifiers.regionProblem(arn.region) == nil else {
            return "not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>), got \"\(string)\""
        }
        if let region = expectedRegion, region != arn.region {
            return "key is in region \(arn.region) but it is used in \(region); a KMS key can only encrypt in its own region"
        }
        if let account = expectedAccount, account != arn.account {
            return "key is in account \(arn.account) but it is used in account \(account); name a key of that account"
        }
        return nil
    }
}
