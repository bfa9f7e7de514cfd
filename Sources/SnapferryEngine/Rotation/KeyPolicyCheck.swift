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
        guard let object = try? JSONSerialization.jsonObject(with: Data(policy.utf8)) as? [String: Any] else { return nil }
        let statements: [[String: Any]]
        if let list = object["Statement"] as? [[String: Any]] { statements = list } else if let one = object["Statement"] as? [String: Any] {
            statements = [one]
        } else {
            statements = []
        }
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
        guard let object = try? JSONSerialization.jsonObject(with: Data(policy.utf8)) as? [String: Any] else { return nil }
        let statements = (object["Statement"] as? [[String: Any]]) ?? (object["Statement"] as? [String: Any]).map { [$0] } ?? []
        var out: [String: [String]] = [:]
        for account in accounts {
            let lacking = actions.filter { !allows(statements, account: account, action: $0) }
            if !lacking.isEmpty { out[account] = lacking }
        }
        return out
    }

    static func allows(_ statements: [[String: Any]], account: String, action: String) -> Bool {
        var allowed = false
        for s in statements where s["NotPrincipal"] == nil && s["NotAction"] == nil {
            guard matches(actions: strings(s["Action"]), action), names(principal: s["Principal"], account: account) else { continue }
            let effect = (s["Effect"] as? String ?? "").lowercased()
            if effect == "deny" && s["Condition"] == nil { return false }
            if effect == "allow" { allowed = true }
        }
        return allowed
    }

    static func strings(_ value: Any?) -> [String] {
        if let s = value as? String { return [s] }
        return (value as? [Any])?.compactMap { $0 as? String } ?? []
    }

    static func matches(actions: [String], _ action: String) -> Bool {
        actions.contains { pattern in
            let p = pattern.lowercased(), a = action.lowercased()
            if p == "*" || p == a { return true }
            if p.hasSuffix("*") { return a.hasPrefix(String(p.dropLast())) }
            return false
        }
    }

    static func names(principal: Any?, account: String) -> Bool {
        if let star = principal as? String { return star == "*" }
        guard let map = principal as? [String: Any] else { return false }
        return strings(map["AWS"]).contains { p in
            p == "*" || p == account || p.hasPrefix("arn:aws:iam::\(account):") || p.hasPrefix("arn:aws-cn:iam::\(account):")
                || p.hasPrefix("arn:aws-us-gov:iam::\(account):")
        }
    }
}
