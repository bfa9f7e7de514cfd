import Foundation

/// Why a principal may not use a KMS key: the key is missing, disabled, an `aws/rds` key of
/// another account, or a policy refuses one of the actions.
struct KeyUseRefusal: Sendable, Equatable {
    /// Which document refused which action, for the error message; nil for the other causes.
    var policy: IAMAuthorization.Refusal?

    /// A sentence for the end of a KMSKeyNotAccessibleFault message, naming the document (empty if none refused).
    func detail(caller: String) -> String {
        guard let policy else { return "" }
        let text: String
        switch (policy.document, policy.explicit) {
        case (.resourcePolicy, false): text = "the key policy does not allow"
        case (.resourcePolicy, true): text = "the key policy explicitly denies"
        case (.identityPolicy, false): text = "the caller's identity policies do not allow"
        case (.identityPolicy, true): text = "the caller's identity policies explicitly deny"
        }
        return " (simulator: \(text) \(policy.action) for \(caller))"
    }
}

extension SimWorld {
    /// What RDS does with a customer-managed key for its caller, in the key policy and in the
    /// caller's identity policies (evaluated with `kms:ViaService` and `kms:CallerAccount`).
    /// `kms:CreateGrant` is among the grant actions: every grant RDS makes is for an AWS resource, so AWS
    /// evaluates it with `kms:GrantIsForAWSResource` true.
    static let rdsKeyUseActions = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey",
                                   "kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey"]
    /// The grants RDS makes for the resource (evaluated with `kms:GrantIsForAWSResource` true).
    static let rdsGrantActions = ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"]
    /// Needed from the caller's identity policies (retiring the grants RDS made); the key policy need not allow it.
    static let rdsIdentityOnlyActions = ["kms:RetireGrant"]

    func iamCaller(_ principal: SimPrincipal) -> IAMCaller {
        IAMCaller(account: principal.account, arn: principal.arn, roleArn: principal.roleArn)
    }

    /// The caller's identity policies: a role's `policies`; nil (allow-all) for users, account
    /// roots and roles without `policies`.
    func identityPolicies(_ principal: SimPrincipal) -> [SimJSON]? {
        principal.roleArn.flatMap { roles[$0]?.policies }
    }

    /// Nil if RDS may use `keyArn` on behalf of `principal` for a copy or restore.
    /// `kms:ViaService` is RDS in the key's region: KMS keys are regional, and the RDS of that
    /// region is the one that reads or writes data under them.
    func rdsKeyUseRefusal(keyArn: String, principal: SimPrincipal) -> KeyUseRefusal? {
        guard let key = keys[keyArn], key.enabled else { return KeyUseRefusal(policy: nil) }
        if key.awsManaged { return principal.account == key.scope.account ? nil : KeyUseRefusal(policy: nil) }
        let base = IAMRequest(caller: iamCaller(principal), action: "", resource: key.arn, context: [
            "kms:CallerAccount": principal.account, "kms:ViaService": "rds.\(key.scope.region).amazonaws.com",
        ])
        let grant = base.setting("kms:GrantIsForAWSResource", "true")
        let identity = identityPolicies(principal)
        let checks = Self.rdsKeyUseActions.map { base.with(action: $0) } + Self.rdsGrantActions.map { grant.with(action: $0) }
        for request in checks {
            if let refusal = IAMAuthorization.refusal(request, resourcePolicy: key.policy, resourceAccount: key.scope.account,
                                                      identityPolicies: identity) {
                return KeyUseRefusal(policy: refusal)
            }
        }
        for action in Self.rdsIdentityOnlyActions {
            let request = base.with(action: action)
            let keyPolicy = IAMPolicy.evaluate(key.policy, request, as: .resource)
            if keyPolicy.decision == .explicitDeny {
                return KeyUseRefusal(policy: .init(document: .resourcePolicy, explicit: true, action: action))
            }
            // The key policy need not list it, but in the key's own account one that names the caller itself is enough.
            let direct = keyPolicy.decision == .allow && keyPolicy.namesCallerDirectly && principal.account == key.scope.account
            let decision = IAMAuthorization.identityDecision(identity, request)
            if decision == .explicitDeny || (!direct && decision != .allow) {
                return KeyUseRefusal(policy: .init(document: .identityPolicy, explicit: decision == .explicitDeny, action: action))
            }
        }
        return nil
    }

    /// Nil if `principal` may call KMS `action` on the key directly (no `kms:ViaService`). An
    /// AWS-managed key serves its own account only.
    func directKeyRefusal(_ key: KeyRecord, action: String, principal: SimPrincipal) -> IAMAuthorization.Refusal? {
        if key.awsManaged {
            return principal.account == key.scope.account ? nil
                : .init(document: .resourcePolicy, explicit: false, action: action)
        }
        let request = IAMRequest(caller: iamCaller(principal), action: action, resource: key.arn,
                                 context: ["kms:CallerAccount": principal.account])
        return IAMAuthorization.refusal(request, resourcePolicy: key.policy, resourceAccount: key.scope.account,
                                        identityPolicies: identityPolicies(principal))
    }
}
