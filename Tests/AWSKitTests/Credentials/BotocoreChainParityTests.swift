import AWSKit
import Crypto
import Foundation
import SnapferryTestSupport
import Testing

/// snapferry's credential chain picks the same source and access key as botocore's
/// (`botocore.session.Session().get_credentials()` from the test virtualenv) for each fixture:
/// environment variables plus config and credentials files in a fresh HOME, and for the fixtures
/// that name `@PEER@`, fake IMDS, container, STS and IAM Identity Center endpoints on loopback
/// (`Tests/python/fake_credential_peers.py`; the access key ids they hand out name the path asked).
/// IMDS is off on both sides unless a fixture points it at the fake.
@Suite struct BotocoreChainParityTests {
    struct Fixture: Sendable, CustomTestStringConvertible {
        var name: String
        var env: [String: String] = [:]
        var credentials: String? = nil
        var config: String? = nil
        /// What `@DIR@/proc.sh` (a credential_process) prints, and its exit status.
        var process: (output: String, status: Int)? = nil
        /// More files, by path under the fixture's HOME (`@DIR@`).
        var files: [String: String] = [:]
        var testDescription: String { name }
    }

    static let keys = "[default]\naws_access_key_id = AKIADEFAULTFILE\naws_secret_access_key = s1\n\n"
        + "[p2]\naws_access_key_id = AKIAP2FILE\naws_secret_access_key = s2\n"
    static let configKeys = "[default]\nregion = eu-west-1\n\n[profile p3]\naws_access_key_id = AKIAP3CONFIG\naws_secret_access_key = s3\n\n"
        + "[profile p2]\naws_access_key_id = AKIAP2CONFIG\naws_secret_access_key = s2c\n"

    static let fixtures: [Fixture] = [
        Fixture(name: "environment keys", env: ["AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "e"]),
        Fixture(name: "environment keys with a session token", env: ["AWS_ACCESS_KEY_ID": "ASIAENV", "AWS_SECRET_ACCESS_KEY": "e", "AWS_SESSION_TOKEN": "t"]),
        Fixture(name: "environment wins over the default profile", env: ["AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "e"], credentials: keys),
        Fixture(name: "environment wins over AWS_PROFILE", env: ["AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "e", "AWS_PROFILE": "p2"], credentials: keys),
        Fixture(name: "an access key id without its secret is an error", env: ["AWS_ACCESS_KEY_ID": "AKIAENV"], credentials: keys),
        Fixture(name: "a lone secret does not stop the chain", env: ["AWS_SECRET_ACCESS_KEY": "e"], credentials: keys),
        Fixture(name: "legacy AWS_ACCESS_KEY/AWS_SECRET_KEY are not read", env: ["AWS_ACCESS_KEY": "AKIALEGACY", "AWS_SECRET_KEY": "l"], credentials: keys),
        Fixture(name: "empty variables count as unset", env: ["AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""], credentials: keys),
        Fixture(name: "the default profile from the credentials file", credentials: keys),
        Fixture(name: "AWS_PROFILE from the credentials file", env: ["AWS_PROFILE": "p2"], credentials: keys),
        Fixture(name: "AWS_DEFAULT_PROFILE", env: ["AWS_DEFAULT_PROFILE": "p2"], credentials: keys),
        Fixture(name: "AWS_DEFAULT_PROFILE wins over AWS_PROFILE (botocore's order)", env: ["AWS_PROFILE": "p2", "AWS_DEFAULT_PROFILE": "default"], credentials: keys),
        Fixture(name: "static keys in a config-file profile", env: ["AWS_PROFILE": "p3"], credentials: keys, config: configKeys),
        Fixture(name: "the credentials file wins over the config file", env: ["AWS_PROFILE": "p2"], credentials: keys, config: configKeys),
        Fixture(name: "nothing anywhere", env: [:]),
        Fixture(name: "a config file without keys", config: "[default]\nregion = eu-west-1\n"),
        Fixture(name: "a profile with half a key pair is an error", credentials: "[default]\naws_access_key_id = AKIAHALF\n"),
        Fixture(name: "AWS_SHARED_CREDENTIALS_FILE elsewhere", env: ["AWS_SHARED_CREDENTIALS_FILE": "@DIR@/other-credentials"], credentials: keys),
        Fixture(name: "AWS_CONFIG_FILE elsewhere", env: ["AWS_CONFIG_FILE": "@DIR@/other-config", "AWS_PROFILE": "p3"], config: configKeys),
        Fixture(name: "credential_process in the default profile", config: "[default]\ncredential_process = @DIR@/proc.sh\n",
                process: (processJSON, 0)),
        Fixture(name: "credential_process with quoted arguments", config: "[default]\ncredential_process = \"@DIR@/proc.sh\" 'an arg' \"two words\"\n",
                process: (processJSON, 0)),
        Fixture(name: "keys in the credentials file win over credential_process", credentials: keys,
                config: "[default]\ncredential_process = @DIR@/proc.sh\n", process: (processJSON, 0)),
        Fixture(name: "credential_process wins over keys in the config file", env: ["AWS_PROFILE": "p4"],
                config: "[profile p4]\naws_access_key_id = AKIAP4CONFIG\naws_secret_access_key = s4\ncredential_process = @DIR@/proc.sh\n",
                process: (processJSON, 0)),
        Fixture(name: "a failing credential_process is an error", config: "[default]\ncredential_process = @DIR@/proc.sh\n",
                process: ("", 3)),
        Fixture(name: "credential_process with an unknown Version is an error", config: "[default]\ncredential_process = @DIR@/proc.sh\n",
                process: (#"{"Version": 2, "AccessKeyId": "AKIAPROCESS", "SecretAccessKey": "p"}"#, 0)),
    ]
    /// Fixtures that talk to the loopback peers.
    static let peerFixtures: [Fixture] = {
        let sts = ["AWS_DEFAULT_REGION": "us-east-1", "AWS_ENDPOINT_URL_STS": "@PEER@/sts"]
        let token = ["token": "web-token"]
        // A timeout longer than botocore's default 1 s: the fixtures run in parallel on a loaded machine, and a
        // slow token answer would send either side to IMDSv1 by chance. `slowtoken` answers after 4 s.
        func imds(_ mode: String, _ extra: [String: String] = [:]) -> [String: String] {
            extra.merging(["AWS_EC2_METADATA_SERVICE_ENDPOINT": "@PEER@/imds/\(mode)/",
                           "AWS_METADATA_SERVICE_TIMEOUT": "3"]) { a, _ in a }
        }
        // sha1("corp") and sha1("https://legacy.awsapps.com/start"): the cache names `aws sso login` writes.
        let ssoCache = ".aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json"
        let legacyCache = ".aws/sso/cache/\(Self.sha1Hex("https://legacy.awsapps.com/start")).json"
        let ssoToken = #"{"accessToken": "sso-token", "expiresAt": "2099-01-01T00:00:00Z", "region": "eu-west-1"}"#
        let expiredToken = #"{"accessToken": "sso-token", "expiresAt": "2020-01-01T00:00:00Z", "region": "eu-west-1"}"#
        let ssoConfig = "[profile me]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = ReadOnly\n"
            + "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n"
            + "[profile legacy]\nsso_start_url = https://legacy.awsapps.com/start\nsso_region = eu-west-1\n"
            + "sso_account_id = 111122223333\nsso_role_name = Legacy\n"
        let sso = ["AWS_ENDPOINT_URL_SSO": "@PEER@/sso"]
        return [
            Fixture(name: "IMDSv2", env: imds("v2")),
            Fixture(name: "IMDSv1 when the token request is refused", env: imds("v1")),
            Fixture(name: "IMDSv1 refused and AWS_EC2_METADATA_V1_DISABLED is an error", env: imds("v1", ["AWS_EC2_METADATA_V1_DISABLED": "true"])),
            Fixture(name: "IMDSv1 when the token request times out", env: imds("slowtoken")),
            Fixture(name: "IMDS credentials already expired are extended", env: imds("expired")),
            Fixture(name: "an instance without a role has no credentials", env: imds("norole")),
            Fixture(name: "IMDS answering 500 once, one attempt: none", env: imds("flaky-\(UUID().uuidString.prefix(8))")),
            Fixture(name: "IMDS answering 500 once, AWS_METADATA_SERVICE_NUM_ATTEMPTS=2",
                    env: imds("flaky-\(UUID().uuidString.prefix(8))", ["AWS_METADATA_SERVICE_NUM_ATTEMPTS": "2"])),
            Fixture(name: "IMDS endpoint, timeout and attempts from the config file",
                    env: ["AWS_EC2_METADATA_DISABLED": "false"],
                    config: "[default]\nec2_metadata_service_endpoint = @PEER@/imds/flaky-\(UUID().uuidString.prefix(8))/\n"
                        + "metadata_service_timeout = 3\nmetadata_service_num_attempts = 2\n"),
            Fixture(name: "the environment wins over IMDS", env: imds("v2", ["AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "e"])),
            Fixture(name: "the default profile wins over IMDS", env: imds("v2"), credentials: keys),
            Fixture(name: "container credentials with a token", env: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "@PEER@/container/auth",
                                                                      "AWS_CONTAINER_AUTHORIZATION_TOKEN": "secret-token"]),
            Fixture(name: "container credentials with the token in a file",
                    env: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "@PEER@/container/auth", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "@DIR@/ctok"],
                    files: ["ctok": "secret-token"]),
            Fixture(name: "container credentials refused without the token", env: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "@PEER@/container/auth"]),
            Fixture(name: "a broken container endpoint is an error", env: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "@PEER@/container/broken"]),
            Fixture(name: "container credentials win over IMDS", env: imds("v2", ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "@PEER@/container/open"])),
            Fixture(name: "the default profile wins over container credentials",
                    env: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "@PEER@/container/open"], credentials: keys),
            Fixture(name: "container credentials over plain HTTP to another host are refused",
                    env: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://192.0.2.1/container/open"]),
            Fixture(name: "web identity from the variables", env: sts.merging(["AWS_WEB_IDENTITY_TOKEN_FILE": "@DIR@/token",
                    "AWS_ROLE_ARN": "arn:aws:iam::111122223333:role/irsa"]) { a, _ in a }, files: token),
            Fixture(name: "web identity from the variables wins over the default profile's keys",
                    env: sts.merging(["AWS_WEB_IDENTITY_TOKEN_FILE": "@DIR@/token", "AWS_ROLE_ARN": "arn:aws:iam::1:role/irsa"]) { a, _ in a },
                    credentials: keys, files: token),
            Fixture(name: "a wrong web identity token is an error", env: sts.merging(["AWS_WEB_IDENTITY_TOKEN_FILE": "@DIR@/token",
                    "AWS_ROLE_ARN": "arn:aws:iam::1:role/irsa"]) { a, _ in a }, files: ["token": "stolen"]),
            Fixture(name: "a web identity token file without a role is an error",
                    env: sts.merging(["AWS_WEB_IDENTITY_TOKEN_FILE": "@DIR@/token"]) { a, _ in a }, files: token),
            Fixture(name: "web identity in a profile", env: sts.merging(["AWS_PROFILE": "web"]) { a, _ in a },
                    config: "[profile web]\nrole_arn = arn:aws:iam::1:role/webprofile\nweb_identity_token_file = @DIR@/token\n", files: token),
            Fixture(name: "a role assumed with a web identity source profile",
                    env: sts.merging(["AWS_PROFILE": "ops"]) { a, _ in a },
                    config: "[profile web]\nrole_arn = arn:aws:iam::1:role/webprofile\nweb_identity_token_file = @DIR@/token\n"
                        + "[profile ops]\nrole_arn = arn:aws:iam::2:role/ops\nsource_profile = web\n", files: token),
            Fixture(name: "a role assumed with static keys", env: sts.merging(["AWS_PROFILE": "r"]) { a, _ in a },
                    config: "[profile r]\nrole_arn = arn:aws:iam::2:role/plain\nsource_profile = p3\n"
                        + "[profile p3]\naws_access_key_id = AKIAP3CONFIG\naws_secret_access_key = s3\n"),
            Fixture(name: "a source profile with keys and a role uses its keys",
                    env: sts.merging(["AWS_PROFILE": "r"]) { a, _ in a },
                    config: "[profile r]\nrole_arn = arn:aws:iam::2:role/outer\nsource_profile = both\n"
                        + "[profile both]\nrole_arn = arn:aws:iam::2:role/inner\nsource_profile = p3\n"
                        + "aws_access_key_id = AKIABOTH\naws_secret_access_key = sb\n"
                        + "[profile p3]\naws_access_key_id = AKIAP3CONFIG\naws_secret_access_key = s3\n"),
            Fixture(name: "credential_source Environment", env: sts.merging(["AWS_PROFILE": "r", "AWS_ACCESS_KEY_ID": "AKIAENV",
                    "AWS_SECRET_ACCESS_KEY": "e"]) { a, _ in a },
                    config: "[profile r]\nrole_arn = arn:aws:iam::2:role/fromenv\ncredential_source = Environment\n"),
            Fixture(name: "credential_source EcsContainer", env: sts.merging(["AWS_PROFILE": "r",
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI": "@PEER@/container/open"]) { a, _ in a },
                    config: "[profile r]\nrole_arn = arn:aws:iam::2:role/fromecs\ncredential_source = EcsContainer\n"),
            Fixture(name: "credential_source Ec2InstanceMetadata", env: imds("v2", sts.merging(["AWS_PROFILE": "r"]) { a, _ in a }),
                    config: "[profile r]\nrole_arn = arn:aws:iam::2:role/fromimds\ncredential_source = Ec2InstanceMetadata\n"),
            Fixture(name: "IAM Identity Center with an sso-session", env: sso.merging(["AWS_PROFILE": "me"]) { a, _ in a },
                    config: ssoConfig, files: [ssoCache: ssoToken]),
            Fixture(name: "IAM Identity Center, legacy profile", env: sso.merging(["AWS_PROFILE": "legacy"]) { a, _ in a },
                    config: ssoConfig, files: [legacyCache: ssoToken]),
            Fixture(name: "IAM Identity Center without a cached token is an error", env: sso.merging(["AWS_PROFILE": "me"]) { a, _ in a },
                    config: ssoConfig),
            Fixture(name: "IAM Identity Center with an expired token is an error", env: sso.merging(["AWS_PROFILE": "me"]) { a, _ in a },
                    config: ssoConfig, files: [ssoCache: expiredToken]),
        ]
    }()

    static func sha1Hex(_ text: String) -> String {
        Insecure.SHA1.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static let processJSON = #"{"Version": 1, "AccessKeyId": "ASIAPROCESS", "SecretAccessKey": "p", "SessionToken": "t", "Expiration": "2099-01-01T00:00:00Z"}"#

    @Test(arguments: fixtures + peerFixtures)
    func sameAnswerAsBotocore(_ fixture: Fixture) async throws {
        let usesPeer = fixture.env.values.contains { $0.contains("@PEER@") } || (fixture.config ?? "").contains("@PEER@")
        let peer = usesPeer ? try await FakeCredentialPeers.shared.url() : ""
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("parity-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent(".aws"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var env = fixture.env.mapValues {
            $0.replacingOccurrences(of: "@DIR@", with: dir.path).replacingOccurrences(of: "@PEER@", with: peer)
        }
        env["HOME"] = dir.path
        if env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] == nil, env["AWS_EC2_METADATA_DISABLED"] == nil {
            env["AWS_EC2_METADATA_DISABLED"] = "true"
        }
        for (path, text) in fixture.files {
            let url = dir.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        let credentialsPath = env["AWS_SHARED_CREDENTIALS_FILE"] ?? dir.path + "/.aws/credentials"
        let configPath = env["AWS_CONFIG_FILE"] ?? dir.path + "/.aws/config"
        if let credentials = fixture.credentials { try credentials.write(toFile: credentialsPath, atomically: true, encoding: .utf8) }
        if let config = fixture.config {
            try config.replacingOccurrences(of: "@DIR@", with: dir.path).replacingOccurrences(of: "@PEER@", with: peer)
                .write(toFile: configPath, atomically: true, encoding: .utf8)
        }
        if let process = fixture.process {
            let script = dir.appendingPathComponent("proc.sh").path
            try "#!/bin/sh\ncat <<'JSON'\n\(process.output)\nJSON\nexit \(process.status)\n".write(toFile: script, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
        }

        let ours: String
        var why = ""
        let transport = AsyncHTTPClientTransport(connectTimeout: .seconds(2))
        defer { Task { try? await transport.shutdown() } }
        let endpoints = EndpointResolver.withProfile(environment: env)
        let region = env["AWS_DEFAULT_REGION"] ?? "us-east-1"
        let makeSTS: @Sendable (any CredentialProvider) -> any STSAPI = { credentials in
            STSClient(client: AWSClient(account: nil, region: region, credentials: credentials, transport: transport,
                                        endpoints: endpoints, retry: .standard(maxAttempts: 1)))
        }
        let chain = CredentialChain.cliOrder(environment: env, transport: transport, makeSTS: makeSTS)
        do {
            ours = try await chain.credential(logger: quietLogger).credential.accessKeyId
        } catch let error as AWSError where error.code == "NoCredentials" {
            ours = "none"; why = error.message
        } catch {
            ours = "error"; why = "\(error)"
        }
        let json = String(decoding: try JSONSerialization.data(withJSONObject: env), as: UTF8.self)
        let botocore = try await CommandRunner.run(TestPaths.python, [TestPaths.repoRoot + "/Tests/python/botocore_credentials.py", json])
        let theirs = botocore.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(botocore.status == 0, "\(botocore.stderr)")
        #expect(ours == (theirs.hasPrefix("error") ? "error" : theirs), "\(fixture.name): snapferry \(ours), botocore \(theirs); \(why)")
    }
}

