import AWSSigV4
import Crypto
import Foundation
import Logging

/// An IAM Identity Center (SSO) profile: reads the access token `aws sso login` cached in
/// `~/.aws/sso/cache/<sha1>.json` and exchanges it for role credentials with the portal's
/// `GetRoleCredentials` (unsigned; the bearer token is the proof). snapferry never runs a login
/// flow of its own: when the token is missing or expired the error says to run `aws sso login`.
///
/// The cache file's name is the SHA-1 of the `sso_session` name for profiles that use an
/// `[sso-session NAME]` section, and of `sso_start_url` for the older form, as the CLI writes it.
public struct SSOCredentialProvider: CredentialProvider {
    /// The profile, for messages.
    public let profile: String
    /// `sso_account_id`.
    public let accountId: String
    /// `sso_role_name`.
    public let roleName: String
    /// `sso_region`: where the portal is.
    public let region: String
    /// Path of the cached token file.
    public let tokenPath: String
    private let environment: [String: String]
    private let transport: any HTTPTransport
    private let readFile: @Sendable (String) -> String?
    private let now: @Sendable () -> Date

    /// The provider a profile describes, `nil` when it has no `sso_*` settings.
    static func configured(_ profile: SharedConfigFiles.Profile, files: SharedConfigFiles, environment: [String: String],
                           transport: any HTTPTransport, readFile: @escaping @Sendable (String) -> String?,
                           now: @escaping @Sendable () -> Date) throws -> SSOCredentialProvider? {
        let keys = ["sso_session", "sso_start_url", "sso_region", "sso_account_id", "sso_role_name"]
        guard keys.contains(where: { profile[$0] != nil }) else { return nil }
        func require(_ value: String?, _ key: String, in place: String) throws -> String {
            guard let value else {
                throw AWSError.credentials("sso", code: "InvalidSSOProfile",
                    "profile \"\(profile.name)\" is an IAM Identity Center profile but \(place) has no \(key): add it "
                    + "(`aws configure sso` writes all of them)")
            }
            return value
        }
        let account = try require(profile["sso_account_id"], "sso_account_id", in: "the profile")
        let role = try require(profile["sso_role_name"], "sso_role_name", in: "the profile")
        let region: String, cacheKey: String
        if let session = profile["sso_session"] {
            guard let section = files.ssoSession(named: session) else {
                throw AWSError.credentials("sso", code: "InvalidSSOProfile",
                    "profile \"\(profile.name)\" names sso_session \"\(session)\", but there is no [sso-session \(session)] "
                    + "section in \(files.configPath.map(files.display) ?? "the config file")")
            }
            region = try require(section["sso_region"], "sso_region", in: "[sso-session \(session)]")
            _ = try require(section["sso_start_url"], "sso_start_url", in: "[sso-session \(session)]")
            cacheKey = session
        } else {
            region = try require(profile["sso_region"], "sso_region", in: "the profile")
            cacheKey = try require(profile["sso_start_url"], "sso_start_url", in: "the profile")
        }
        let digest = Insecure.SHA1.hash(data: Data(cacheKey.utf8)).map { String(format: "%02x", $0) }.joined()
        guard let home = files.home else {
            throw AWSError.credentials("sso", code: "InvalidSSOProfile", "cannot find the SSO token cache: HOME is not set")
        }
        return SSOCredentialProvider(profile: profile.name, accountId: account, roleName: role, region: region,
                                     tokenPath: "\(home)/.aws/sso/cache/\(digest).json", environment: environment,
                                     transport: transport, readFile: readFile, now: now)
    }

    public func credential(logger: Logger) async throws -> ExpiringCredential {
        let token = try cachedToken()
        // The bearer token goes only where the operator pointed the SSO client, or to AWS.
        let ignore = environment["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"]?.lowercased() == "true"
        let configured = ignore ? nil : (environment["AWS_ENDPOINT_URL_SSO"].flatMap { $0.isEmpty ? nil : $0 }
            ?? environment["AWS_ENDPOINT_URL"].flatMap { $0.isEmpty ? nil : $0 })
        let base = configured ?? "https://portal.sso.\(region).\(Partition.dnsSuffix(region: region))"
        var components = URLComponents(string: base.hasSuffix("/") ? String(base.dropLast()) : base)
        components?.path += "/federation/credentials"
        components?.queryItems = [URLQueryItem(name: "role_name", value: roleName), URLQueryItem(name: "account_id", value: accountId)]
        guard let url = components?.url else { throw fail("the SSO portal endpoint \(base) is not a URL") }
        let response = try await transport.execute(
            HTTPRequest(method: "GET", url: url, headers: [(name: "x-amz-sso_bearer_token", value: token),
                                                          (name: "User-Agent", value: "snapferry/\(AWSClient.version)")]),
            timeout: .seconds(30), logger: logger)
        if response.status == 401 || response.status == 403 {
            throw fail("the IAM Identity Center portal refused the cached token (HTTP \(response.status)) for role "
                + "\(roleName) in account \(accountId): run `aws sso login --profile \(profile)` and check the role assignment")
        }
        guard response.status == 200,
              let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any],
              let role = object["roleCredentials"] as? [String: Any],
              let access = role["accessKeyId"] as? String, let secret = role["secretAccessKey"] as? String else {
            throw fail("GetRoleCredentials answered HTTP \(response.status) without role credentials")
        }
        let expiration = (role["expiration"] as? NSNumber).map { Date(timeIntervalSince1970: $0.doubleValue / 1000) }
        return ExpiringCredential(credential: AWSCredential(accessKeyId: access, secretAccessKey: secret,
                                                            sessionToken: role["sessionToken"] as? String),
                                  expiration: expiration,
                                  source: "profile \(profile) (IAM Identity Center role \(roleName) in \(accountId))")
    }

    private func cachedToken() throws -> String {
        let login = "run `aws sso login --profile \(profile)`"
        guard let text = readFile(tokenPath),
              let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
              let token = object["accessToken"] as? String, !token.isEmpty else {
            throw fail("no IAM Identity Center token is cached in \(tokenPath): \(login)")
        }
        // Older CLI versions wrote `2024-01-01T00:00:00UTC`.
        let expiresAt = (object["expiresAt"] as? String).map { $0.hasSuffix("UTC") ? String($0.dropLast(3)) + "Z" : $0 }
        guard let expires = expiresAt.flatMap(AWSTimestamp.parse), expires > now() else {
            throw fail("the cached IAM Identity Center token (\(tokenPath)) has expired: \(login)")
        }
        return token
    }

    private func fail(_ message: String) -> AWSError {
        AWSError.credentials("sso", code: "SSOCredentialsFailed", "profile \"\(profile)\": \(message)")
    }
}
