import Foundation

/// Who makes a request, as IAM policies see it.
struct IAMCaller: Sendable, Hashable {
    var account: String
    /// User ARN, account root ARN, or assumed-role session ARN.
    var arn: String
    /// For role sessions, the role's IAM ARN.
    var roleArn: String?

    /// `aws:PrincipalArn`: a session's role, otherwise the caller itself.
    var principalArn: String { roleArn ?? arn }
    var accountRootArn: String { "arn:aws:iam::\(account):root" }
}

/// One authorization question: may `caller` perform `action` on `resource`, given the request context.
struct IAMRequest: Sendable {
    var caller: IAMCaller
    var action: String
    var resource: String
    /// Condition keys, lower-cased (IAM compares key names case-insensitively), and their values.
    private(set) var context: [String: [String]] = [:]

    /// A request with the global keys `aws:PrincipalAccount` and `aws:PrincipalArn` set, plus `context`.
    init(caller: IAMCaller, action: String, resource: String, context: [String: String] = [:]) {
        self.caller = caller; self.action = action; self.resource = resource
        set("aws:PrincipalAccount", caller.account)
        set("aws:PrincipalArn", caller.principalArn)
        for (key, value) in context { set(key, value) }
    }

    mutating func set(_ key: String, _ value: String) { context[key.lowercased()] = [value] }

    func setting(_ key: String, _ value: String) -> IAMRequest {
        var copy = self
        copy.set(key, value)
        return copy
    }

    func with(action: String) -> IAMRequest {
        var copy = self
        copy.action = action
        return copy
    }

    /// The values of a condition key, or nil when the request context lacks it.
    func values(_ key: String) -> [String]? { context[key.lowercased()] }
}

/// Evaluates one IAM JSON policy document (a KMS key policy, a role trust policy, or an
/// identity policy) for one request, as the IAM policy language defines it:
/// `Statement` as an object or an array; `Effect` exactly `Allow` or `Deny` (any other
/// value makes the statement invalid, and an invalid statement matches nothing);
/// `Action`/`NotAction` (case-insensitive, `*` and `?` wildcards); `Resource`/`NotResource`
/// (case-sensitive wildcards; a statement with neither, as in trust policies, matches any
/// resource); `Principal`/`NotPrincipal` in resource policies; `Condition` (see
/// `IAMCondition`). An explicit Deny wins over any Allow.
enum IAMPolicy {
    enum Kind: Sendable { case resource, identity }
    enum Decision: Sendable, Equatable { case allow, implicitDeny, explicitDeny }

    struct Result: Sendable, Equatable {
        var decision: Decision
        /// For a resource policy's Allow: whether a statement named the caller itself (its user,
        /// role, session, or `*`) and not only its account, which delegates to the account's IAM.
        var namesCallerDirectly: Bool
    }

    /// How a principal entry names the caller.
    enum PrincipalMatch: Sendable, Comparable { case account, direct }

    static func evaluate(_ policy: SimJSON, _ request: IAMRequest, as kind: Kind) -> Result {
        var allowed = false, direct = false
        for statement in statements(policy) {
            guard let effect = effect(statement), matchesAction(statement, request.action),
                  matchesResource(statement, request.resource),
                  let principal = principalMatch(statement, request.caller, kind: kind, effect: effect),
                  IAMCondition.holds(statement["Condition"], request)
            else { continue }
            if effect == "Deny" { return Result(decision: .explicitDeny, namesCallerDirectly: false) }
            allowed = true
            if principal == .direct { direct = true }
        }
        return Result(decision: allowed ? .allow : .implicitDeny, namesCallerDirectly: direct)
    }

    static func statements(_ policy: SimJSON) -> [SimJSON] {
        switch policy["Statement"] {
        case .array(let list)?: return list
        case .object(let single)?: return [.object(single)]
        default: return []
        }
    }

    /// `Allow` or `Deny` exactly (the policy language is case-sensitive here), else nil.
    static func effect(_ statement: SimJSON) -> String? {
        guard case .string(let effect)? = statement["Effect"], effect == "Allow" || effect == "Deny" else { return nil }
        return effect
    }

    static func matchesAction(_ statement: SimJSON, _ action: String) -> Bool {
        switch (statement["Action"], statement["NotAction"]) {
        case (let listed?, nil): return listed.strings.contains { wildcard($0, matches: action, caseSensitive: false) }
        case (nil, let excluded?): return !excluded.strings.contains { wildcard($0, matches: action, caseSensitive: false) }
        default: return false
        }
    }

    static func matchesResource(_ statement: SimJSON, _ resource: String) -> Bool {
        switch (statement["Resource"], statement["NotResource"]) {
        case (nil, nil): return true
        case (let listed?, nil): return listed.strings.contains { wildcard($0, matches: resource, caseSensitive: true) }
        case (nil, let excluded?): return !excluded.strings.contains { wildcard($0, matches: resource, caseSensitive: true) }
        default: return false
        }
    }

    /// How the statement's principal applies to `caller`, or nil if it does not. Identity
    /// policies have no principal (the caller is it); a statement that names one is invalid.
    static func principalMatch(_ statement: SimJSON, _ caller: IAMCaller, kind: Kind, effect: String) -> PrincipalMatch? {
        switch (kind, statement["Principal"], statement["NotPrincipal"]) {
        case (.identity, nil, nil):
            return .direct
        case (.resource, let principal?, nil):
            return principalEntries(principal).compactMap { names($0, caller) }.max()
        case (.resource, nil, let excluded?) where effect == "Deny":
            return appliesDespite(notPrincipal: principalEntries(excluded), caller) ? .direct : nil
        default:
            return nil
        }
    }

    /// The `AWS` entries of a Principal (`"*"` alone means everyone); service and federated
    /// principals never name an IAM caller.
    static func principalEntries(_ principal: SimJSON) -> [String] {
        if case .string(let text) = principal { return text == "*" ? ["*"] : [] }
        return principal["AWS"]?.strings ?? []
    }

    /// How one principal entry names `caller`: `*`, or its user, role or session ARN, names it
    /// directly; its account id or `arn:aws:iam::<id>:root` names its whole account.
    static func names(_ entry: String, _ caller: IAMCaller) -> PrincipalMatch? {
        if entry == "*" || entry == caller.arn || (caller.roleArn != nil && entry == caller.roleArn) { return .direct }
        if entry == caller.account || entry == caller.accountRootArn { return .account }
        return nil
    }

    /// Whether a Deny with `NotPrincipal` applies. AWS checks each identity behind a request
    /// in turn (the account, then the role, then the session) and the statement applies if any
    /// of them is not excluded; hence the IAM guide's advice to list the account's ARN too
    /// ("AWS JSON policy elements: NotPrincipal", docs.aws.amazon.com/IAM/latest/UserGuide/
    /// reference_policies_elements_notprincipal.html).
    static func appliesDespite(notPrincipal entries: [String], _ caller: IAMCaller) -> Bool {
        var chain = [IAMCaller(account: caller.account, arn: caller.accountRootArn, roleArn: nil)]
        if let role = caller.roleArn { chain.append(IAMCaller(account: caller.account, arn: role, roleArn: nil)) }
        chain.append(caller)
        return chain.contains { identity in !entries.contains { names($0, identity) != nil } }
    }

    /// Match with `*` (any run, colons included) and `?` (one character).
    static func wildcard(_ pattern: String, matches text: String, caseSensitive: Bool) -> Bool {
        let p = Array(caseSensitive ? pattern : pattern.lowercased()), t = Array(caseSensitive ? text : text.lowercased())
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
