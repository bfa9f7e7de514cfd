import Foundation

/// Whether a customer-managed key's policy lets another account use the key for a
/// cross-account copy or restore: every action `PolicyActions` lists for the key. Sharing a snapshot with an account the policy does not name
/// succeeds, and the restore fails later with `KMSKeyNotAccessibleFault`; this sees it first.
///
/// Evaluation is that of IAM for a resource policy, reduced to what decides here: an explicit
/// Deny for the account wins, else any Allow for it. A principal counts for an account when it
/// is `*`, the account id, its root, or any role or user in it (the account may delegate).
/// Conditions are taken as satisfiable (RDS's grants meet `kms:GrantIsForAWSResource` and
/// `kms:ViaService`); statements with `NotPrincipal` or `NotAction` are not interpreted.
public enum KeyPolicyCheck {
    /// What RDS in the sharing account needs on the source key (what `snapferry policy` grants).
    public static let requiredActions = Array(Set(PolicyActions.keyUse + PolicyActions.keyGrants)).sorted()

    /// Accounts among `accounts` the policy does not let use the key; nil when the policy cannot be read as JSON.
    public static func accountsWithoutUse(policy: String, accounts: [String]) -> [String]? {
        guard let statements = Statement.parse(policy) else { return nil }
        return accounts.filter { account in
            !requiredActions.allSatisfy { allows(statements, account: account, action: $0) }
        }
    }

    /// The key-policy statements that let `accounts` use the key for copy and restore (those `snapferry policy` prints),
    /// on one line, comma-separated, to paste into the policy's Statement list.
    public static func statement(accounts: [String]) -> String {
        FleetPolicies.shareStatements(accountIDs: accounts).map(\.compact).joined(separator: ", ")
    }

    /// For each of `accounts`, the actions among `actions` the policy does not let it use; nil when the
    /// policy cannot be read as JSON. Accounts missing nothing are left out.
    public static func missing(policy: String, accounts: [String], actions: [String]) -> [String: [String]]? {
        guard let statements = Statement.parse(policy) else { return nil }
        var out: [String: [String]] = [:]
        for account in accounts {
            let lacking = actions.filter { !allows(statements, account: account, action: $0) }
            if !lacking.isEmpty { out[account] = lacking }
        }
        return out
    }

    /// One statement, read once: a pass checks every share account of every source against it.
    struct Statement {
        var effect: String
        var hasCondition: Bool
        /// Lower-cased action patterns.
        var actions: [String]
        /// `Principal: "*"` or `{"AWS": "*"}`.
        var anyPrincipal: Bool
        /// Account ids the principals name: as ids, or as the account of an IAM ARN (its root, a role, a user).
        var accounts: Set<String>

        /// The statements that `allows` interprets (none with `NotPrincipal` or `NotAction`); nil when not JSON.
        static func parse(_ policy: String) -> [Statement]? {
            guard let object = try? JSONSerialization.jsonObject(with: Data(policy.utf8)) as? [String: Any] else { return nil }
            let raw = (object["Statement"] as? [[String: Any]]) ?? (object["Statement"] as? [String: Any]).map { [$0] } ?? []
            return raw.filter { $0["NotPrincipal"] == nil && $0["NotAction"] == nil }.map { s in
                var anyPrincipal = false
                var accounts: Set<String> = []
                if let star = s["Principal"] as? String {
                    anyPrincipal = star == "*"
                } else if let map = s["Principal"] as? [String: Any] {
                    for p in strings(map["AWS"]) {
                        if p == "*" { anyPrincipal = true }
                        accounts.insert(p)
                        if let account = iamAccount(p) { accounts.insert(account) }
                    }
                }
                return Statement(effect: (s["Effect"] as? String ?? "").lowercased(), hasCondition: s["Condition"] != nil,
                                 actions: strings(s["Action"]).map { $0.lowercased() }, anyPrincipal: anyPrincipal, accounts: accounts)
            }
        }

        /// `123456789012` of `arn:aws:iam::123456789012:…` (also `aws-cn`, `aws-us-gov`).
        static func iamAccount(_ arn: String) -> String? {
            for prefix in ["arn:aws:iam::", "arn:aws-cn:iam::", "arn:aws-us-gov:iam::"] where arn.hasPrefix(prefix) {
                let rest = arn.dropFirst(prefix.count)
                guard let colon = rest.firstIndex(of: ":") else { return nil }
                return String(rest[..<colon])
            }
            return nil
        }

        func names(_ account: String) -> Bool { anyPrincipal || accounts.contains(account) }

        func matches(_ action: String) -> Bool {
            let a = action.lowercased()
            return actions.contains { p in
                if p == "*" || p == a { return true }
                if p.hasSuffix("*") { return a.hasPrefix(String(p.dropLast())) }
                return false
            }
        }
    }

    static func allows(_ statements: [Statement], account: String, action: String) -> Bool {
        var allowed = false
        for s in statements {
            guard s.matches(action), s.names(account) else { continue }
            if s.effect == "deny" && !s.hasCondition { return false }
            if s.effect == "allow" { allowed = true }
        }
        return allowed
    }

    static func strings(_ value: Any?) -> [String] {
        if let s = value as? String { return [s] }
        return (value as? [Any])?.compactMap { $0 as? String } ?? []
    }
}
