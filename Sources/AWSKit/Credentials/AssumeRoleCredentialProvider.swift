import AWSSigV4
import Foundation
import Logging

/// Temporary credentials from `sts:AssumeRole`, signed with a base provider's credentials.
///
/// When the base credentials are themselves a role session (made here, or session keys from
/// the environment or a profile that GetCallerIdentity shows as `assumed-role`), this is role
/// chaining and AWS caps the session at one hour, so a longer `durationSeconds` is
/// lowered to 3600 (asking for more fails the whole call).
/// See https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#iam-term-role-chaining
public struct AssumeRoleCredentialProvider: CredentialProvider {
    /// The longest session AWS grants to a chained role.
    public static let chainedSessionLimit = 3600
    /// The longest role session name AWS accepts.
    public static let sessionNameLimit = 64

    /// The role to assume, e.g. `arn:aws:iam::123456789012:role/snapferry`.
    public let roleArn: String
    /// `sts:ExternalId`, when the role's trust policy requires one.
    public let externalId: String?
    /// Role session name, already restricted to AWS's characters and length.
    public let sessionName: String
    /// Requested session length; `nil` leaves it to AWS (one hour).
    public let durationSeconds: Int?
    private let client: Client

    /// How the STS client is obtained: given, or built over the base credentials per refresh.
    private enum Client: Sendable {
        case fixed(any STSAPI)
        case overBase(any CredentialProvider, @Sendable (any CredentialProvider) -> any STSAPI)
    }

    /// Assumes the role through a ready STS client (whose own credentials are not inspected,
    /// so no chaining cap is applied).
    public init(sts: any STSAPI, roleArn: String, externalId: String? = nil, sessionName: String,
                durationSeconds: Int? = nil) {
        self.roleArn = roleArn; self.externalId = externalId
        self.sessionName = Self.sanitizedSessionName(sessionName)
        self.durationSeconds = durationSeconds
        self.client = .fixed(sts)
    }

    /// Assumes the role with STS clients built by `makeSTS` over the `base` credentials;
    /// the base is asked once per refresh, and an STS client is built over that answer.
    public init(roleArn: String, externalId: String? = nil, sessionName: String, durationSeconds: Int? = nil,
                base: any CredentialProvider, makeSTS: @escaping @Sendable (any CredentialProvider) -> any STSAPI) {
        self.roleArn = roleArn; self.externalId = externalId
        self.sessionName = Self.sanitizedSessionName(sessionName)
        self.durationSeconds = durationSeconds
        self.client = .overBase(base, makeSTS)
    }

    /// `snapferry-<account>`, restricted to `[\w+=,.@-]` and 64 characters: the session name
    /// that shows in the target account's CloudTrail as who did what.
    public static func sessionName(forAccount account: String) -> String {
        sanitizedSessionName("snapferry-\(account)")
    }

    /// `name` with every character outside `[A-Za-z0-9_+=,.@-]` replaced by `-`, cut to 64 characters.
    public static func sanitizedSessionName(_ name: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+=,.@-")
        let cleaned = String(name.map { allowed.contains($0) ? $0 : "-" }.prefix(sessionNameLimit))
        // AWS requires at least two characters.
        return cleaned.count >= 2 ? cleaned : "snapferry"
    }

    /// Whether `credential` is a role session, so that assuming a role with it is chaining. Known for
    /// sessions this process made; session keys from the environment, a profile or a process are asked
    /// about with GetCallerIdentity (one call, only when more than an hour is requested).
    static func isRoleSession(_ credential: ExpiringCredential, sts: any STSAPI) async throws -> Bool {
        if credential.assumedRoleArn != nil { return true }
        guard credential.credential.sessionToken != nil else { return false }
        return try await sts.getCallerIdentity().arn.contains(":assumed-role/")
    }

    /// Assumes the role. Throws the STS error (with its hint) when AWS refuses, or a
    /// `.credentials` error when the base provider has no credentials.
    public func credential(logger: Logger) async throws -> ExpiringCredential {
        var duration = durationSeconds
        var via = "the given STS client"
        let sts: any STSAPI
        switch client {
        case .fixed(let given):
            sts = given
        case .overBase(let base, let makeSTS):
            let baseCredential: ExpiringCredential
            do {
                baseCredential = try await base.credential(logger: logger)
            } catch let error as AWSError where error.isCredentialsNotFound {
                // The operator asked for this role: missing base credentials are a configuration error.
                throw AWSError.credentials("assume-role", code: "BaseCredentialsMissing",
                                           "role \(roleArn) needs base credentials, but \(error.message)")
            }
            via = baseCredential.source
            sts = makeSTS(StaticCredentialProvider(baseCredential.credential, source: baseCredential.source))
            if let requested = duration, requested > Self.chainedSessionLimit,
               try await Self.isRoleSession(baseCredential, sts: sts) {
                logger.notice("role chaining: session length lowered to one hour", metadata: [
                    "role": "\(roleArn)", "requestedSeconds": "\(requested)",
                ])
                duration = Self.chainedSessionLimit
            }
        }
        let assumed = try await sts.assumeRole(roleArn: roleArn, sessionName: sessionName,
                                               externalId: externalId, durationSeconds: duration)
        let result = ExpiringCredential(credential: assumed.credential, expiration: assumed.expiration,
                                        source: "assumed role \(roleArn) (via \(via))", assumedRoleArn: roleArn)
        logger.debug("assumed role", metadata: [
            "source": "\(result.source)", "accessKeyId": "\(result.credential)",
            "expiration": "\(assumed.expiration.formatted(.iso8601))",
        ])
        return result
    }
}
