import AWSKit
import Foundation

extension SimWorld {
    /// Finds a key named by id, ARN, alias name or alias ARN, as KMS does:
    /// bare ids and alias names resolve in the caller's account and region.
    private func lookupKey(_ reference: String, _ context: SimContext) throws(SimDenial) -> KeyRecord {
        if reference.hasPrefix("alias/") || (SimARN(reference)?.resource.hasPrefix("alias/") ?? false) {
            let aliasArn = reference.hasPrefix("arn:") ? reference
                : "arn:aws:kms:\(context.scope.region):\(context.scope.account):\(reference)"
            guard let arn = resolveKeyArn(reference, in: context.scope), let key = keys[arn] else {
                throw SimDenial("NotFoundException", "Alias \(aliasArn) is not found.")
            }
            return key
        }
        let arn = reference.hasPrefix("arn:") ? reference
            : "arn:aws:kms:\(context.scope.region):\(context.scope.account):key/\(reference)"
        guard let key = keys[arn] else { throw SimDenial("NotFoundException", "Key '\(arn)' does not exist") }
        return key
    }

    private func requireAccess(_ key: KeyRecord, action: String, _ context: SimContext) throws(SimDenial) {
        guard let refusal = directKeyRefusal(key, action: action, principal: context.principal) else { return }
        throw SimDenial("AccessDeniedException",
                        "User: \(context.principal.arn) is not authorized to perform: \(action) on resource: \(key.arn) "
                        + refusal.because)
    }

    /// DescribeKey (AWS-ERRORS 12a).
    func describeKey(_ reference: String, _ context: SimContext) throws(SimDenial) -> KeyMetadata {
        let key = try lookupKey(reference, context)
        if key.scope.account != context.scope.account || !key.awsManaged {
            try requireAccess(key, action: "kms:DescribeKey", context)
        }
        return KeyMetadata(keyId: key.keyId, arn: key.arn, keyManager: key.awsManaged ? "AWS" : "CUSTOMER",
                           keyState: key.enabled ? "Enabled" : "Disabled", enabled: key.enabled, description: key.description)
    }

    /// GetKeyPolicy (AWS-ERRORS 12b): only the owning account, and only if the policy lets it.
    func keyPolicy(_ reference: String, name: String, _ context: SimContext) throws(SimDenial) -> String {
        let key = try lookupKey(reference, context)
        guard name == "default" else { throw SimDenial("NotFoundException", "No such policy exists") }
        if key.scope.account != context.scope.account {
            throw SimDenial("AccessDeniedException",
                            "User: \(context.principal.arn) is not authorized to perform: kms:GetKeyPolicy on resource: \(key.arn)")
        }
        if !key.awsManaged { try requireAccess(key, action: "kms:GetKeyPolicy", context) }
        return key.policy.jsonText
    }

    /// ListAliases of the caller's account and region (optionally for one key), sorted by name.
    func listAliases(keyId: String?, limit: Int?, marker: String?, _ context: SimContext) throws(SimDenial) -> Page<KMSAlias> {
        let pageSize = limit ?? 50
        guard (1...100).contains(pageSize) else {
            throw SimDenial("ValidationException", "1 validation error detected: Value '\(pageSize)' at 'limit' failed to "
                            + "satisfy constraint: Member must have value less than or equal to 100")
        }
        var target: String?
        if let keyId { target = try lookupKey(keyId, context).keyId }
        let all = (aliases[context.scope] ?? [:]).sorted { $0.key < $1.key }.compactMap { name, arn -> KMSAlias? in
            guard let key = keys[arn], target == nil || key.keyId == target else { return nil }
            return KMSAlias(name: name, arn: "arn:aws:kms:\(context.scope.region):\(context.scope.account):\(name)",
                            targetKeyId: key.keyId)
        }
        return try SimPaging.page(all, key: \.name, maxRecords: pageSize, marker: marker,
                                  invalidMarker: SimDenial("InvalidMarkerException", "Invalid marker"))
    }
}

extension SimWorld {
    /// Admin: replaces a customer-managed key's policy (what PutKeyPolicy would do),
    /// so tests can grant or revoke an account's use of a key. Returns false for
    /// an unknown or AWS-managed key.
    @discardableResult
    public func setKeyPolicy(keyArn: String, policy: SimJSON) -> Bool {
        ensurePopulated()
        guard let key = keys[keyArn], !key.awsManaged else { return false }
        keys[keyArn]?.policy = policy
        return true
    }

    /// Admin: replaces a role's trust policy (what iam:UpdateAssumeRolePolicy would do), so tests can
    /// take a role's trust away mid-run and give it back. Sessions already issued stay valid until they
    /// expire, as in IAM. Returns false for an unknown role.
    @discardableResult
    public func setTrustPolicy(roleArn: String, policy: SimJSON) -> Bool {
        ensurePopulated()
        guard roles[roleArn] != nil else { return false }
        roles[roleArn]?.trustPolicy = policy
        return true
    }

    /// The `aws/rds` key ARN of an account and region.
    public func awsRDSKeyArn(account: String, region: String) -> String {
        "arn:aws:kms:\(region):\(account):key/\(StableID.uuid("aws/rds/\(account)/\(region)"))"
    }
}
