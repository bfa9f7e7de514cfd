import AWSSigV4
import Foundation
import Logging

/// Credentials from a profile in the AWS CLI's shared files (see ``SharedConfigFiles``).
///
/// The profile is `AWS_PROFILE`, else `default`. Supported: static keys
/// (`aws_access_key_id`, `aws_secret_access_key`, `aws_session_token`), and
/// `role_arn` with either `source_profile` (followed recursively; cycles are an
/// error) or `credential_source` (`Environment`, `Ec2InstanceMetadata`, `EcsContainer`), plus
/// `external_id`, `role_session_name` and `duration_seconds`; `web_identity_token_file`
/// (and the `AWS_WEB_IDENTITY_TOKEN_FILE`/`AWS_ROLE_ARN` variables); IAM Identity Center
/// (`sso_*`, `sso_session`) through the token cache; `credential_process`. The order among
/// them is botocore's. `mfa_serial` on a role is refused: nobody is there to type a code.
///
/// The files are read on every call, so edits apply at the next refresh.
public struct ProfileCredentialProvider: CredentialProvider {
    /// The profile used, and whether the operator named it (a missing named profile is an error,
    /// a missing `default` only means "nothing here").
    public let profileName: String
    /// True when the profile was named explicitly (parameter or `AWS_PROFILE`).
    public var isExplicit: Bool { namedBy != nil }
    /// Who named the profile, for error messages: `AWS_PROFILE` or the caller.
    private let namedBy: String?
    let environment: [String: String]
    let transport: any HTTPTransport
    let makeSTS: @Sendable (any CredentialProvider) -> any STSAPI
    let readFile: @Sendable (String) -> String?
    let now: @Sendable () -> Date

    /// Creates the provider. `profile` overrides `AWS_PROFILE`; `transport` is used for
    /// `credential_source = Ec2InstanceMetadata`; `makeSTS` builds STS clients for `role_arn`.
    public init(environment: [String: String], profile: String? = nil, transport: any HTTPTransport,
                makeSTS: @escaping @Sendable (any CredentialProvider) -> any STSAPI,
                readFile: @escaping @Sendable (String) -> String? = SharedConfigFiles.readFromDisk,
                now: @escaping @Sendable () -> Date = { Date() }) {
        // botocore's session variable `profile` reads AWS_DEFAULT_PROFILE first, then AWS_PROFILE.
        let variable = ["AWS_DEFAULT_PROFILE", "AWS_PROFILE"].first { environment[$0].map { !$0.isEmpty } ?? false }
        let fromEnvironment = variable.flatMap { environment[$0] }
        profileName = profile ?? fromEnvironment ?? "default"
        namedBy = profile != nil ? "requested" : variable.map { "from \($0)" }
        self.environment = environment; self.transport = transport; self.makeSTS = makeSTS
        self.readFile = readFile; self.now = now
    }

    /// The profile's credentials. Throws "not found" when there is no `default` profile
    /// (or it holds no credentials), and a hard error for anything misconfigured.
    public func credential(logger: Logger) async throws -> ExpiringCredential {
        let provider = try resolvedProvider()
        return try await provider.credential(logger: logger)
    }

    /// The provider the profile describes, without calling it (no I/O but reading the files).
    public func resolvedProvider() throws -> any CredentialProvider {
        let files = try SharedConfigFiles(environment: environment, readFile: readFile)
        let profile = files.profile(named: profileName)
        if profile == nil, let namedBy {
            throw Self.error("ProfileNotFound",
                "profile \"\(profileName)\" (\(namedBy)) is not in \(files.searchedFiles): add "
                + "[\(profileName)] to the credentials file or [profile \(profileName)] to the config file, "
                + "or unset AWS_PROFILE")
        }
        if let profile, profile["role_arn"] != nil, profile["web_identity_token_file"] == nil {
            return try assumeRole(profile["role_arn"]!, profile: profile, files: files, path: [profileName])
        }
        // Web identity may come from the variables alone, with no profile at all.
        if let web = try WebIdentityCredentialProvider.configured(environment: environment, profile: profile,
                                                                  makeSTS: unsignedSTS, readFile: readFile) {
            return web
        }
        guard let profile else {
            throw AWSError.credentialsNotFound("profile", "no [default] profile in \(files.searchedFiles)")
        }
        guard let provider = try profileProviders(profile, files: files) else {
            throw AWSError.credentialsNotFound("profile",
                "profile \"\(profileName)\" in \(files.searchedFiles) has no aws_access_key_id or role_arn")
        }
        return provider
    }

    /// An STS client for unsigned calls (web identity): built over credentials it never uses.
    private var unsignedSTS: @Sendable () -> any STSAPI {
        let makeSTS = self.makeSTS
        return { makeSTS(UnsignedCallsOnly()) }
    }

    /// botocore's providers after AssumeRole, in its order: web identity (from the profile's keys only, for
    /// a source profile), IAM Identity Center, keys in the credentials file, credential_process, keys in the
    /// config file. `nil` when the profile configures none of them.
    private func profileProviders(_ profile: SharedConfigFiles.Profile, files: SharedConfigFiles,
                                  webIdentityFromProfile: Bool = false) throws -> (any CredentialProvider)? {
        if webIdentityFromProfile,
           let web = try WebIdentityCredentialProvider.configured(environment: [:], profile: profile,
                                                                  makeSTS: unsignedSTS, readFile: readFile) {
            return web
        }
        if let sso = try SSOCredentialProvider.configured(profile, files: files, environment: environment,
                                                          transport: transport, readFile: readFile, now: now) {
            return sso
        }
        let keys = try staticKeys(profile)
        if let keys, profile.origins["aws_access_key_id"] == files.display(files.credentialsPath) {
            return keys
        }
        if let command = profile["credential_process"] { return ProcessCredentialProvider(command: command, profile: profile.name) }
        return keys
    }

    /// A `source_profile`: its own credentials when it has keys or no role to assume with them
    /// (botocore's rule; a role with `web_identity_token_file` is web identity), else its role.
    private func resolveSource(_ profile: SharedConfigFiles.Profile, files: SharedConfigFiles,
                               path: [String]) throws -> (any CredentialProvider)? {
        let hasKeys = profile["aws_access_key_id"] != nil || profile["aws_secret_access_key"] != nil
        if hasKeys || profile["role_arn"] == nil || profile["web_identity_token_file"] != nil {
            return try profileProviders(profile, files: files, webIdentityFromProfile: true)
        }
        return try assumeRole(profile["role_arn"]!, profile: profile, files: files, path: path)
    }

    /// The profile's own static keys, `nil` when it has none, an error when half a pair is set.
    private func staticKeys(_ profile: SharedConfigFiles.Profile) throws -> StaticCredentialProvider? {
        switch (profile["aws_access_key_id"], profile["aws_secret_access_key"]) {
        case (nil, nil):
            return nil
        case (let access?, let secret?):
            let origin = profile.origins["aws_access_key_id"] ?? "?"
            return StaticCredentialProvider(
                AWSCredential(accessKeyId: access, secretAccessKey: secret, sessionToken: profile["aws_session_token"]),
                source: "profile \(profile.name) (\(origin))")
        case (_?, nil):
            throw Self.error("PartialCredentials", "profile \"\(profile.name)\" (\(profile.origins["aws_access_key_id"] ?? "?")) "
                + "sets aws_access_key_id but not aws_secret_access_key: add the secret or remove the key id")
        case (nil, _?):
            throw Self.error("PartialCredentials", "profile \"\(profile.name)\" (\(profile.origins["aws_secret_access_key"] ?? "?")) "
                + "sets aws_secret_access_key but not aws_access_key_id: add the key id or remove the secret")
        }
    }

    private func assumeRole(_ roleArn: String, profile: SharedConfigFiles.Profile, files: SharedConfigFiles,
                            path: [String]) throws -> AssumeRoleCredentialProvider {
        let name = profile.name
        if profile["mfa_serial"] != nil {
            throw Self.error("UnsupportedProfile", "profile \"\(name)\" assumes its role with mfa_serial, which snapferry does not "
                + "support: it runs unattended and cannot ask for an MFA code; give the daemon a role without an MFA condition, "
                + "or a credential_process that obtains the session")
        }
        let base: any CredentialProvider
        switch (profile["source_profile"], profile["credential_source"]) {
        case (_?, _?):
            throw Self.error("InvalidProfile",
                "profile \"\(name)\" sets both source_profile and credential_source: keep exactly one")
        case (nil, nil):
            throw Self.error("InvalidProfile",
                "profile \"\(name)\" sets role_arn but neither source_profile nor credential_source: add one of them "
                + "to say which credentials assume the role")
        case (let source?, nil):
            base = try sourceProfile(source, of: profile, files: files, path: path)
        case (nil, let source?):
            base = try credentialSource(source, profile: name)
        }
        var duration: Int?
        if let text = profile["duration_seconds"] {
            guard let seconds = Int(text), (900...43_200).contains(seconds) else {
                throw Self.error("InvalidProfile",
                    "profile \"\(name)\": duration_seconds \"\(text)\" must be a whole number from 900 to 43200")
            }
            duration = seconds
        }
        return AssumeRoleCredentialProvider(
            roleArn: roleArn, externalId: profile["external_id"],
            sessionName: profile["role_session_name"] ?? "snapferry-\(name)",
            durationSeconds: duration, base: base, makeSTS: makeSTS)
    }

    private func sourceProfile(_ source: String, of profile: SharedConfigFiles.Profile, files: SharedConfigFiles,
                               path: [String]) throws -> any CredentialProvider {
        // A profile may name itself as its source to assume a role with its own static keys (as the CLI allows).
        if source == profile.name, let keys = try staticKeys(profile) { return keys }
        if path.contains(source) {
            throw Self.error("ProfileCycle", "source_profile settings form a cycle: "
                + (path + [source]).joined(separator: " → ") + ": end the chain at a profile with static keys "
                + "or a credential_source")
        }
        guard let next = files.profile(named: source) else {
            throw Self.error("ProfileNotFound", "profile \"\(profile.name)\" names source_profile \"\(source)\", "
                + "which is not in \(files.searchedFiles)")
        }
        guard let provider = try resolveSource(next, files: files, path: path + [source]) else {
            throw Self.error("InvalidProfile", "source profile \"\(source)\" (used by \"\(profile.name)\") has no "
                + "aws_access_key_id/aws_secret_access_key or role_arn")
        }
        return provider
    }

    private func credentialSource(_ source: String, profile name: String) throws -> any CredentialProvider {
        switch source {
        case "Environment":
            return EnvironmentCredentialProvider(environment: environment)
        case "Ec2InstanceMetadata":
            return IMDSCredentialProvider(transport: transport,
                                          environment: IMDSCredentialProvider.settings(environment: environment, readFile: readFile), now: now)
        case "EcsContainer":
            return ContainerCredentialProvider(environment: environment, transport: transport, readFile: readFile)
        default:
            throw Self.error("InvalidProfile", "profile \"\(name)\": unknown credential_source \"\(source)\": "
                + "use Environment, Ec2InstanceMetadata or EcsContainer")
        }
    }

    private static func error(_ code: String, _ message: String) -> AWSError {
        AWSError.credentials("profile", code: code, message)
    }
}
