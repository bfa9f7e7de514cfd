import AWSKit
import AWSSigV4
import Foundation

extension SimWorld {
    /// Resolves the caller to a principal: unknown keys answer
    /// `InvalidClientTokenId`, expired sessions `ExpiredToken` (both 403).
    func authenticate(_ caller: SimCaller, at time: Date) throws(SimDenial) -> SimPrincipal {
        let invalid = SimDenial("InvalidClientTokenId", "The security token included in the request is invalid", status: 403)
        switch caller {
        case .account(let id):
            guard scenario.accounts.contains(where: { $0.id == id }) else { throw invalid }
            return SimPrincipal(account: id, arn: "arn:aws:iam::\(id):root", roleArn: nil, userId: id)
        case .accessKey(let keyId, let token):
            if let key = staticKeys[keyId] { return key.principal }
            guard let session = sessions[keyId], token == nil || token == session.token else { throw invalid }
            guard session.expiration > time else {
                throw SimDenial("ExpiredToken", "The security token included in the request is expired", status: 403)
            }
            return session.principal
        }
    }

    /// AssumeRole: trust policy (with ExternalId) and the caller's identity policies, duration limits, role chaining.
    func assumeRole(arn roleArn: String, session: String, externalId: String?, duration: Int?,
                    _ context: SimContext) throws(SimDenial) -> (AssumedRoleCredentials, String) {
        let caller = context.principal
        let denied = SimDenial("AccessDenied",
                               "User: \(caller.arn) is not authorized to perform: sts:AssumeRole on resource: \(roleArn)",
                               status: 403)
        guard (2...64).contains(session.count) else {
            throw SimDenial("ValidationError", "1 validation error detected: Value '\(session)' at 'roleSessionName' failed to "
                            + "satisfy constraint: Member must have length greater than or equal to 2")
        }
        let seconds = duration ?? 3600
        if seconds < 900 {
            throw SimDenial("ValidationError", "1 validation error detected: Value '\(seconds)' at 'durationSeconds' failed to "
                            + "satisfy constraint: Member must have value greater than or equal to 900")
        }
        guard let role = roles[roleArn] else { throw denied }
        var request = IAMRequest(caller: iamCaller(caller), action: "sts:AssumeRole", resource: role.arn)
        if let externalId { request.set("sts:ExternalId", externalId) }
        if IAMAuthorization.refusal(request, resourcePolicy: role.trustPolicy, resourceAccount: role.account,
                                    identityPolicies: identityPolicies(caller)) != nil { throw denied }
        if caller.roleArn != nil, seconds > 3600 {
            throw SimDenial("ValidationError",
                            "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
        }
        if seconds > role.maxSessionSeconds {
            throw SimDenial("ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
        }
        let keyId = "ASIA" + sessionRandom.token(16)
        let secret = sessionRandom.token(40, alphabet: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        let token = "SIM" + sessionRandom.token(120, alphabet: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        let roleId = "AROA" + StableID.uuid(role.arn).replacingOccurrences(of: "-", with: "").prefix(17).uppercased()
        let assumedArn = "arn:aws:sts::\(role.account):assumed-role/\(role.name)/\(session)"
        let principal = SimPrincipal(account: role.account, arn: assumedArn, roleArn: role.arn, userId: "\(roleId):\(session)")
        let expiration = context.now.addingTimeInterval(Double(seconds))
        sessions[keyId] = SessionRecord(principal: principal, secret: secret, token: token, expiration: expiration)
        let credential = AWSCredential(accessKeyId: keyId, secretAccessKey: secret, sessionToken: token)
        return (AssumedRoleCredentials(credential: credential, expiration: expiration, assumedRoleArn: assumedArn),
                "\(roleId):\(session)")
    }
}
