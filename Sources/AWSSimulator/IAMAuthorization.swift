import Foundation

/// Decides a request against a resource policy (a KMS key policy or a role trust policy)
/// and the caller's identity policies together, as AWS does for these two resource types:
/// - an explicit Deny in either document refuses;
/// - the resource policy must allow the request in every case;
/// - a caller of another account also needs its identity policies to allow it;
/// - a caller of the resource's own account needs them too when the resource policy names
///   only its account (`arn:aws:iam::<id>:root` delegates to the account's IAM), but not when
///   it names the caller itself (its user, role, session, or `*`).
///
/// Identity policies given as nil mean none were given: an allow-all identity policy, as if
/// AdministratorAccess were attached (access-key users, account roots, and roles without
/// `policies`). An empty list means the role may do nothing by IAM.
enum IAMAuthorization {
    enum Document: Sendable, Equatable { case resourcePolicy, identityPolicy }

    struct Refusal: Sendable, Equatable {
        var document: Document
        var explicit: Bool
        var action: String

        /// AWS's ending of an AccessDenied message: `because no resource-based policy allows the
        /// kms:Decrypt action`, `with an explicit deny in an identity-based policy`.
        var because: String {
            let kind = document == .resourcePolicy ? "resource-based" : "identity-based"
            guard explicit else { return "because no \(kind) policy allows the \(action) action" }
            return "with an explicit deny in \(document == .resourcePolicy ? "a" : "an") \(kind) policy"
        }
    }

    /// Nil when the request is allowed, otherwise the first document that refuses it.
    static func refusal(_ request: IAMRequest, resourcePolicy: SimJSON, resourceAccount: String,
                        identityPolicies: [SimJSON]?) -> Refusal? {
        let resource = IAMPolicy.evaluate(resourcePolicy, request, as: .resource)
        let identity = identityDecision(identityPolicies, request)
        if resource.decision == .explicitDeny { return Refusal(document: .resourcePolicy, explicit: true, action: request.action) }
        if identity == .explicitDeny { return Refusal(document: .identityPolicy, explicit: true, action: request.action) }
        guard resource.decision == .allow else { return Refusal(document: .resourcePolicy, explicit: false, action: request.action) }
        let sameAccount = request.caller.account == resourceAccount
        if sameAccount && resource.namesCallerDirectly { return nil }
        return identity == .allow ? nil : Refusal(document: .identityPolicy, explicit: false, action: request.action)
    }

    /// The combined decision of a caller's identity policies (nil: allow-all).
    static func identityDecision(_ policies: [SimJSON]?, _ request: IAMRequest) -> IAMPolicy.Decision {
        guard let policies else { return .allow }
        var decision = IAMPolicy.Decision.implicitDeny
        for policy in policies {
            switch IAMPolicy.evaluate(policy, request, as: .identity).decision {
            case .explicitDeny: return .explicitDeny
            case .allow: decision = .allow
            case .implicitDeny: break
            }
        }
        return decision
    }
}
