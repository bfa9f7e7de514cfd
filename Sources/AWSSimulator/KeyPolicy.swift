import Foundation

/// Evaluates IAM-style resource policies (KMS key policies, role trust
/// policies) for one principal and action. An explicit Deny wins; otherwise any
/// matching Allow grants. Conditions are ignored except `sts:ExternalId`
/// (StringEquals) for trust policies; `kms:GrantIsForAWSResource` is taken as
/// satisfied because every simulated KMS use comes from RDS.
enum KeyPolicy {
    /// Who is asking.
    struct Subject {
        var account: String
        /// User ARN, assumed-role session ARN, or account root.
        var arn: String
        /// For sessions, the role's IAM ARN.
        var roleArn: String?
        /// ExternalId given to AssumeRole.
        var externalId: String?
    }

    /// Whether `policy` allows `action` for `subject`.
    static func allows(_ policy: SimJSON, action: String, subject: Subject) -> Bool {
        var allowed = false
        for statement in statements(policy) {
            guard matchesAction(statement, action), matchesPrincipal(statement, subject),
                  conditionsHold(statement, subject) else { continue }
            let effect = statement["Effect"]?.strings.first ?? ""
            if effect.caseInsensitiveCompare("Deny") == .orderedSame { return false }
            if effect.caseInsensitiveCompare("Allow") == .orderedSame { allowed = true }
        }
        return allowed
    }

    /// Whether every action in `actions` is allowed.
    static func allowsAll(_ policy: SimJSON, actions: [String], subject: Subject) -> Bool {
        actions.allSatisfy { allows(policy, action: $0, subject: subject) }
    }

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

    private static func statements(_ policy: SimJSON) -> [SimJSON] {
        switch policy["Statement"] {
        case .array(let list)?: return list
        case .object(let single)?: return [.object(single)]
        default: return []
        }
    }

    private static func matchesAction(_ statement: SimJSON, _ action: String) -> Bool {
        (statement["Action"]?.strings ?? []).contains { wildcard($0, matches: action) }
    }

    private static func matchesPrincipal(_ statement: SimJSON, _ subject: Subject) -> Bool {
        guard let principal = statement["Principal"] else { return false }
        let names: [String]
        if case .string(let star) = principal { names = [star] } else { names = principal["AWS"]?.strings ?? [] }
        return names.contains { name in
            if name == "*" || name == subject.account || name == "arn:aws:iam::\(subject.account):root" { return true }
            if name == subject.arn || (subject.roleArn != nil && name == subject.roleArn) { return true }
            return false
        }
    }

    private static func conditionsHold(_ statement: SimJSON, _ subject: Subject) -> Bool {
        guard case .object(let operators)? = statement["Condition"] else { return true }
        for (op, clause) in operators where op.hasPrefix("StringEquals") {
            guard case .object(let keys) = clause else { continue }
            for (key, expected) in keys where key.caseInsensitiveCompare("sts:ExternalId") == .orderedSame {
                guard let given = subject.externalId, expected.strings.contains(given) else { return false }
            }
        }
        return true
    }

    /// Case-insensitive match with `*` and `?` wildcards (IAM action syntax).
    static func wildcard(_ pattern: String, matches text: String) -> Bool {
        let p = Array(pattern.lowercased()), t = Array(text.lowercased())
        var pi = 0, ti = 0, star = -1, mark = 0
        while ti < t.count {
            if pi < p.count, p[pi] == "?" || p[pi] == t[ti] { pi += 1; ti += 1 }
            else if pi < p.count, p[pi] == "*" { star = pi; mark = ti; pi += 1 }
            else if star >= 0 { pi = star + 1; mark += 1; ti = mark }
            else { return false }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
