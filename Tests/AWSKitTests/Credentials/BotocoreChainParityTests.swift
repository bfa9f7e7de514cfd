import AWSKit
import Foundation
import SnapferryTestSupport
import Testing

/// snapferry's credential chain picks the same source and access key as botocore's
/// (`botocore.session.Session().get_credentials()` from the test virtualenv) for each fixture:
/// environment variables plus config and credentials files in a fresh HOME. IMDS is off on both sides.
@Suite struct BotocoreChainParityTests {
    struct Fixture: Sendable, CustomTestStringConvertible {
        var name: String
        var env: [String: String] = [:]
        var credentials: String? = nil
        var config: String? = nil
        /// What `@DIR@/proc.sh` (a credential_process) prints, and its exit status.
        var process: (output: String, status: Int)? = nil
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
    static let processJSON = #"{"Version": 1, "AccessKeyId": "ASIAPROCESS", "SecretAccessKey": "p", "SessionToken": "t", "Expiration": "2099-01-01T00:00:00Z"}"#

    @Test(arguments: fixtures)
    func sameAnswerAsBotocore(_ fixture: Fixture) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("parity-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent(".aws"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var env = fixture.env.mapValues { $0.replacingOccurrences(of: "@DIR@", with: dir.path) }
        env["HOME"] = dir.path
        env["AWS_EC2_METADATA_DISABLED"] = "true"
        let credentialsPath = env["AWS_SHARED_CREDENTIALS_FILE"] ?? dir.path + "/.aws/credentials"
        let configPath = env["AWS_CONFIG_FILE"] ?? dir.path + "/.aws/config"
        if let credentials = fixture.credentials { try credentials.write(toFile: credentialsPath, atomically: true, encoding: .utf8) }
        if let config = fixture.config {
            try config.replacingOccurrences(of: "@DIR@", with: dir.path).write(toFile: configPath, atomically: true, encoding: .utf8)
        }
        if let process = fixture.process {
            let script = dir.appendingPathComponent("proc.sh").path
            try "#!/bin/sh\ncat <<'JSON'\n\(process.output)\nJSON\nexit \(process.status)\n".write(toFile: script, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
        }

        let ours: String
        let chain = CredentialChain.cliOrder(environment: env, transport: CapturingTransport(), makeSTS: STSRecorder(expiration: Date()).factory)
        do {
            ours = try await chain.credential(logger: quietLogger).credential.accessKeyId
        } catch let error as AWSError where error.code == "NoCredentials" {
            ours = "none"
        } catch {
            ours = "error"
        }
        let json = String(decoding: try JSONSerialization.data(withJSONObject: env), as: UTF8.self)
        let botocore = try await CommandRunner.run(TestPaths.python, [TestPaths.repoRoot + "/Tests/python/botocore_credentials.py", json])
        let theirs = botocore.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(botocore.status == 0, "\(botocore.stderr)")
        #expect(ours == (theirs.hasPrefix("error") ? "error" : theirs), "\(fixture.name): snapferry \(ours), botocore \(theirs)")
    }
}
