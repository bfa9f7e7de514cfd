import AWSSigV4
import Foundation
import Logging

/// A role assumed with an OIDC token read from a file (EKS IRSA, GitHub Actions, any OIDC
/// issuer): `sts:AssumeRoleWithWebIdentity`, sent unsigned. The file is read at every refresh,
/// because the issuer rewrites it before the old token expires.
///
/// Configured by `AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN` (+ `AWS_ROLE_SESSION_NAME`), or by a
/// profile's `web_identity_token_file` + `role_arn` (+ `role_session_name`); each variable wins over
/// the profile's key of the same meaning, as in botocore.
public struct WebIdentityCredentialProvider: CredentialProvider {
    /// The role to assume.
    public let roleArn: String
    /// Path of the token file.
    public let tokenFile: String
    /// Session name shown in CloudTrail.
    public let sessionName: String
    /// Where the settings came from, for messages: `environment` or `profile <name>`.
    public let origin: String
    private let makeSTS: @Sendable () -> any STSAPI
    private let readFile: @Sendable (String) -> String?

    /// Creates the provider; `makeSTS` builds the (unsigned) STS client per refresh.
    public init(roleArn: String, tokenFile: String, sessionName: String?, origin: String,
                makeSTS: @escaping @Sendable () -> any STSAPI,
                readFile: @escaping @Sendable (String) -> String? = SharedConfigFiles.readFromDisk) {
        self.roleArn = roleArn; self.tokenFile = tokenFile; self.origin = origin
        self.sessionName = AssumeRoleCredentialProvider.sanitizedSessionName(sessionName ?? "snapferry-web-identity")
        self.makeSTS = makeSTS; self.readFile = readFile
    }

    /// The settings of `environment` and `profile` merged key by key (the variable first); `nil`
    /// when no token file is named, an error when a token file is named without a role.
    static func configured(environment: [String: String], profile: SharedConfigFiles.Profile?,
                           makeSTS: @escaping @Sendable () -> any STSAPI,
                           readFile: @escaping @Sendable (String) -> String?) throws -> WebIdentityCredentialProvider? {
        func value(_ variable: String, _ key: String) -> (String, String)? {
            if let v = environment[variable] { return (v, variable) }
            if let v = profile?[key] { return (v, "profile \(profile!.name)") }
            return nil
        }
        guard let (file, fileOrigin) = value("AWS_WEB_IDENTITY_TOKEN_FILE", "web_identity_token_file"), !file.isEmpty else {
            return nil
        }
        guard let (role, _) = value("AWS_ROLE_ARN", "role_arn"), !role.isEmpty else {
            throw AWSError.credentials("web-identity", code: "InvalidConfig",
                "a web identity token file is set (\(fileOrigin): \(file)) but no role: set AWS_ROLE_ARN or role_arn in the profile")
        }
        return WebIdentityCredentialProvider(roleArn: role, tokenFile: file,
                                             sessionName: value("AWS_ROLE_SESSION_NAME", "role_session_name")?.0,
                                             origin: fileOrigin, makeSTS: makeSTS, readFile: readFile)
    }

    public func credential(logger: Logger) async throws -> ExpiringCredential {
        guard let token = readFile(tokenFile)?.trimmingCharacters(in: .whitespacesAndNewlines), !token.isEmpty else {
            throw AWSError.credentials("web-identity", code: "WebIdentityTokenUnreadable",
                "the web identity token file \(tokenFile) (\(origin)) cannot be read or is empty: check the path "
                + "and that the snapferry user may read it")
        }
        let assumed = try await makeSTS().assumeRoleWithWebIdentity(roleArn: roleArn, sessionName: sessionName,
                                                                    webIdentityToken: token, durationSeconds: nil)
        // A role session: assuming another role with it is role chaining (one hour at most).
        return ExpiringCredential(credential: assumed.credential, expiration: assumed.expiration,
                                  source: "web identity role \(roleArn) (token \(tokenFile), \(origin))",
                                  assumedRoleArn: roleArn)
    }
}
