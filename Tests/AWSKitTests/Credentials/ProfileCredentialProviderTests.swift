import AWSKit
import Foundation
import Testing

@Suite struct ProfileCredentialProviderTests {
    static let home = "/home/ferry"
    static let credentialsPath = "/home/ferry/.aws/credentials"
    static let configPath = "/home/ferry/.aws/config"
    let recorder = STSRecorder(expiration: Date(timeIntervalSince1970: 1_735_693_200))

    func provider(credentials: String? = nil, config: String? = nil, environment: [String: String] = [:],
                  profile: String? = nil) -> ProfileCredentialProvider {
        var contents: [String: String] = [:]
        contents[Self.credentialsPath] = credentials
        contents[Self.configPath] = config
        return ProfileCredentialProvider(
            environment: environment.merging(["HOME": Self.home]) { current, _ in current }, profile: profile,
            transport: IMDSStub(), makeSTS: recorder.factory, readFile: files(contents))
    }

    @Test func defaultProfile_staticKeysAndSessionToken_nameTheFile() async throws {
        let credential = try await provider(credentials: """
            [default]
            aws_access_key_id = AKIADEFAULT
            aws_secret_access_key = secret
            aws_session_token = token
            """).credential(logger: quietLogger)
        #expect(credential.credential.accessKeyId == "AKIADEFAULT")
        #expect(credential.credential.sessionToken == "token")
        #expect(credential.source == "profile default (~/.aws/credentials)")
    }

    @Test func awsProfile_selectsProfile_configUsesProfilePrefix() async throws {
        let config = """
            [dev]
            aws_access_key_id = AKIAWRONGHEADER
            aws_secret_access_key = wrong
            [profile   dev]
            aws_access_key_id = AKIACONFIGDEV
            aws_secret_access_key = s
            """
        let credential = try await provider(config: config, environment: ["AWS_PROFILE": "dev"]).credential(logger: quietLogger)
        #expect(credential.credential.accessKeyId == "AKIACONFIGDEV")
        #expect(credential.source == "profile dev (~/.aws/config)")
    }

    @Test func credentialsFile_profilePrefixIsNotAProfile() async {
        let error = await awsError {
            try await provider(credentials: "[profile dev]\naws_access_key_id = A\naws_secret_access_key = s",
                               environment: ["AWS_PROFILE": "dev"]).credential(logger: quietLogger)
        }
        #expect(error?.code == "ProfileNotFound")
    }

    @Test func credentialsFileWinsOverConfig_keyByKey() async throws {
        let credential = try await provider(
            credentials: "[default]\naws_secret_access_key = from-credentials",
            config: "[default]\naws_access_key_id = AKIAFROMCONFIG\naws_secret_access_key = from-config"
        ).credential(logger: quietLogger)
        #expect(credential.credential.accessKeyId == "AKIAFROMCONFIG")
        #expect(credential.credential.secretAccessKey == "from-credentials")
    }

    @Test func fileLocations_followOverrideVariables() async throws {
        let provider = ProfileCredentialProvider(
            environment: ["HOME": Self.home, "AWS_SHARED_CREDENTIALS_FILE": "/etc/snapferry/creds",
                          "AWS_CONFIG_FILE": "~/custom-config"],
            transport: IMDSStub(), makeSTS: recorder.factory,
            readFile: files(["/etc/snapferry/creds": "[default]\naws_access_key_id = AKIAOVERRIDE\naws_secret_access_key = s",
                             "/home/ferry/custom-config": "[default]\nregion = eu-west-1"]))
        let credential = try await provider.credential(logger: quietLogger)
        #expect(credential.source == "profile default (/etc/snapferry/creds)")
    }

    @Test func missingExplicitProfile_errorNamesProfileAndFilesSearched() async {
        let error = await awsError {
            try await provider(credentials: "[default]\naws_access_key_id = A\naws_secret_access_key = s",
                               environment: ["AWS_PROFILE": "prod"]).credential(logger: quietLogger)
        }
        #expect(error?.isCredentialsNotFound == false)
        #expect(error?.message == "profile \"prod\" (from AWS_PROFILE) is not in ~/.aws/credentials, ~/.aws/config: "
            + "add [prod] to the credentials file or [profile prod] to the config file, or unset AWS_PROFILE")
    }

    @Test func missingDefaultProfile_orProfileWithoutCredentials_isNotFound() async {
        let none = await awsError { try await provider().credential(logger: quietLogger) }
        #expect(none?.isCredentialsNotFound == true)
        #expect(none?.message == "no [default] profile in ~/.aws/credentials, ~/.aws/config")
        let regionOnly = await awsError { try await provider(config: "[default]\nregion = eu-west-1").credential(logger: quietLogger) }
        #expect(regionOnly?.isCredentialsNotFound == true)
    }

    @Test func halfAKeyPair_isAHardError() async {
        let error = await awsError { try await provider(credentials: "[default]\naws_access_key_id = A").credential(logger: quietLogger) }
        #expect(error?.message == "profile \"default\" (~/.aws/credentials) sets aws_access_key_id but not "
            + "aws_secret_access_key: add the secret or remove the key id")
    }

    @Test func sourceProfileChain_assumesEachRoleInOrder_withProfileSettings() async throws {
        let config = """
            [profile admin]
            role_arn = arn:aws:iam::111122223333:role/admin
            source_profile = jump
            external_id = ext-42
            role_session_name = ops@example.com
            duration_seconds = 7200
            [profile jump]
            role_arn = arn:aws:iam::444455556666:role/jump
            source_profile = base
            """
        let credentials = "[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = s"
        let credential = try await provider(credentials: credentials, config: config, environment: ["AWS_PROFILE": "admin"])
            .credential(logger: quietLogger)
        let calls = await recorder.calls
        #expect(calls == [
            AssumeRoleCall(roleArn: "arn:aws:iam::444455556666:role/jump", sessionName: "snapferry-jump",
                           externalId: nil, durationSeconds: nil, baseAccessKeyId: "AKIABASE"),
            // Chained from an assumed role: 7200 s is capped at one hour.
            AssumeRoleCall(roleArn: "arn:aws:iam::111122223333:role/admin", sessionName: "ops@example.com",
                           externalId: "ext-42", durationSeconds: 3600, baseAccessKeyId: "ASIAJUMP1"),
        ])
        #expect(credential.credential.accessKeyId == "ASIAADMIN2")
        #expect(credential.source == "assumed role arn:aws:iam::111122223333:role/admin (via assumed role "
            + "arn:aws:iam::444455556666:role/jump (via profile base (~/.aws/credentials)))")
    }

    @Test func sourceProfileCycle_isReportedWithThePath() async {
        let config = """
            [profile a]
            role_arn = arn:aws:iam::111122223333:role/a
            source_profile = b
            [profile b]
            role_arn = arn:aws:iam::111122223333:role/b
            source_profile = a
            """
        let error = await awsError { try await provider(config: config, environment: ["AWS_PROFILE": "a"]).credential(logger: quietLogger) }
        #expect(error?.code == "ProfileCycle")
        #expect(error?.message == "source_profile settings form a cycle: a → b → a: end the chain at a profile "
            + "with static keys or a credential_source")
        #expect(await recorder.calls.isEmpty)
    }

    @Test func selfSourceProfile_withStaticKeys_assumesWithItsOwnKeys() async throws {
        let credentials = """
            [default]
            aws_access_key_id = AKIASELF
            aws_secret_access_key = s
            role_arn = arn:aws:iam::111122223333:role/self
            source_profile = default
            """
        _ = try await provider(credentials: credentials).credential(logger: quietLogger)
        #expect(await recorder.calls.map(\.baseAccessKeyId) == ["AKIASELF"])
    }

    @Test func credentialSourceEnvironment_assumesWithEnvironmentKeys() async throws {
        let config = "[default]\nrole_arn = arn:aws:iam::111122223333:role/env\ncredential_source = Environment"
        let credential = try await provider(config: config, environment: [
            "AWS_ACCESS_KEY_ID": "AKIAFROMENV", "AWS_SECRET_ACCESS_KEY": "s",
        ]).credential(logger: quietLogger)
        #expect(await recorder.calls.map(\.baseAccessKeyId) == ["AKIAFROMENV"])
        #expect(credential.source == "assumed role arn:aws:iam::111122223333:role/env (via environment)")
    }

    @Test func credentialSourceEnvironment_withoutVariables_isAHardError() async {
        let config = "[default]\nrole_arn = arn:aws:iam::111122223333:role/env\ncredential_source = Environment"
        let error = await awsError { try await provider(config: config).credential(logger: quietLogger) }
        #expect(error?.code == "BaseCredentialsMissing")
        #expect(error?.message == "role arn:aws:iam::111122223333:role/env needs base credentials, but AWS_ACCESS_KEY_ID is not set")
    }

    @Test func credentialSourceEc2InstanceMetadata_assumesWithInstanceRole() async throws {
        let config = "[default]\nrole_arn = arn:aws:iam::111122223333:role/x\ncredential_source = Ec2InstanceMetadata"
        let provider = ProfileCredentialProvider(
            environment: ["HOME": Self.home], transport: IMDSStub(), makeSTS: recorder.factory,
            readFile: files([Self.configPath: config]), now: { Date(timeIntervalSince1970: 1_735_689_600) })
        let credential = try await provider.credential(logger: quietLogger)
        #expect(await recorder.calls.map(\.baseAccessKeyId) == ["ASIAIMDSEXAMPLE1"])
        #expect(credential.source.hasSuffix("(via EC2 instance role snapferry-host (IMDSv2))"))
    }

    @Test func mfaSerialOnARole_isRefusedWithTheReason() async {
        let config = "[default]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = base\nmfa_serial = arn:aws:iam::1:mfa/me"
        let error = await awsError { try await provider(config: config).credential(logger: quietLogger) }
        #expect(error?.code == "UnsupportedProfile")
        #expect(error?.message.hasPrefix("profile \"default\" assumes its role with mfa_serial, which snapferry does not support") == true)
    }

    @Test func mfaSerialBesideStaticKeys_isIgnored_asBotocoreDoes() async throws {
        let credential = try await provider(credentials: "[default]\naws_access_key_id = AKIAMFA\naws_secret_access_key = s\nmfa_serial = arn:aws:iam::1:mfa/me")
            .credential(logger: quietLogger)
        #expect(credential.credential.accessKeyId == "AKIAMFA")
    }

    @Test(arguments: [
        ("source_profile = a\ncredential_source = Environment", "sets both source_profile and credential_source"),
        ("", "sets role_arn but neither source_profile nor credential_source"),
        ("credential_source = Ec2", "unknown credential_source \"Ec2\""),
        ("credential_source = Environment\nduration_seconds = 60", "duration_seconds \"60\" must be a whole number from 900 to 43200"),
    ])
    func invalidRoleProfile_errorExplains(extra: String, expected: String) async {
        let error = await awsError {
            try await provider(config: "[default]\nrole_arn = arn:aws:iam::1:role/r\n\(extra)").credential(logger: quietLogger)
        }
        #expect(error?.message.contains(expected) == true, "\(String(describing: error))")
    }

    @Test func unparsableFile_errorNamesFileAndLine() async {
        let error = await awsError { try await provider(config: "[default]\nbroken line").credential(logger: quietLogger) }
        #expect(error?.message == "~/.aws/config line 2: expected `key = value`, a `[section]` or a comment (fix or remove the line)")
    }
}
