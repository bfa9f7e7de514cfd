import AWSKit
import Foundation
import Logging
import Testing

/// Web identity, IAM Identity Center, container credentials and role-chaining detection,
/// each against stubs that check what a real peer would check.
@Suite struct CredentialSourcesTests {
    static let home = "/home/ferry"
    let recorder = STSRecorder(expiration: Date(timeIntervalSince1970: 1_735_693_200))
    let now: @Sendable () -> Date = { Date(timeIntervalSince1970: 1_735_689_600) }  // 2025-01-01T00:00:00Z

    func chain(_ env: [String: String], _ contents: [String: String] = [:], transport: any HTTPTransport = IMDSStub()) -> CredentialChain {
        var env = env
        env["HOME"] = Self.home
        env["AWS_EC2_METADATA_DISABLED"] = "true"
        return CredentialChain.cliOrder(environment: env, transport: transport, makeSTS: recorder.factory,
                                        readFile: files(contents), now: now)
    }

    @Test func webIdentityFromVariables_sendsTheFilesTokenUnsigned_andWinsOverTheDefaultProfile() async throws {
        let credential = try await chain(
            ["AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/token", "AWS_ROLE_ARN": "arn:aws:iam::111122223333:role/irsa",
             "AWS_ROLE_SESSION_NAME": "ops host"],
            ["/var/run/token": "eyJ-token-1\n", "\(Self.home)/.aws/credentials": "[default]\naws_access_key_id = AKIAFILE\naws_secret_access_key = s\n"]
        ).credential(logger: quietLogger)
        #expect(credential.credential.accessKeyId == "ASIAIRSA1")
        #expect(await recorder.webIdentityTokens == ["eyJ-token-1"])
        #expect(await recorder.calls == [AssumeRoleCall(roleArn: "arn:aws:iam::111122223333:role/irsa", sessionName: "ops-host",
                                                        externalId: nil, durationSeconds: nil, baseAccessKeyId: "unsigned")])
    }

    @Test func webIdentityInAProfile_andAsASourceProfile() async throws {
        let config = """
            [profile web]
            role_arn = arn:aws:iam::111122223333:role/web
            web_identity_token_file = /t
            [profile ops]
            role_arn = arn:aws:iam::444455556666:role/ops
            source_profile = web
            """
        let credential = try await chain(["AWS_PROFILE": "ops"], ["/t": "tok", "\(Self.home)/.aws/config": config])
            .credential(logger: quietLogger)
        #expect(credential.credential.accessKeyId == "ASIAOPS2")
        #expect(await recorder.calls.map(\.baseAccessKeyId) == ["unsigned", "ASIAWEB1"])
    }

    @Test func webIdentityWithoutARole_isAnErrorNamingTheVariable() async {
        let error = await awsError { try await chain(["AWS_WEB_IDENTITY_TOKEN_FILE": "/t"], ["/t": "tok"]).credential(logger: quietLogger) }
        #expect(error?.code == "InvalidConfig")
        #expect(error?.message.contains("set AWS_ROLE_ARN or role_arn in the profile") == true)
    }

    @Test func webIdentityTokenFileMissing_isAnErrorNamingThePath() async {
        let error = await awsError {
            try await chain(["AWS_WEB_IDENTITY_TOKEN_FILE": "/nope", "AWS_ROLE_ARN": "arn:aws:iam::1:role/r"]).credential(logger: quietLogger)
        }
        #expect(error?.code == "WebIdentityTokenUnreadable")
        #expect(error?.message.contains("/nope") == true)
    }

    static let ssoConfig = """
        [profile me]
        sso_session = corp
        sso_account_id = 111122223333
        sso_role_name = ReadOnly
        [sso-session corp]
        sso_start_url = https://corp.awsapps.com/start
        sso_region = eu-west-1
        """
    @Test func ssoProfile_withoutACachedToken_saysToRunAwsSsoLogin() async throws {
        let error = await awsError { try await chain(["AWS_PROFILE": "me"], ["\(Self.home)/.aws/config": Self.ssoConfig]).credential(logger: quietLogger) }
        #expect(error?.code == "SSOCredentialsFailed")
        #expect(error?.message.contains("run `aws sso login --profile me`") == true)
        // The cache file name is SHA-1 of the session name, hex: computed independently with Python's hashlib.
        #expect(error?.message.contains("/.aws/sso/cache/\(Self.sha1Corp).json") == true)
    }

    static let sha1Corp = "ee0bfd2552fbd840c02cc48b6e823320543c450f"  // python3: hashlib.sha1(b"corp").hexdigest()

    @Test func ssoSessionMissing_isAnErrorNamingTheSection() async {
        let config = "[profile me]\nsso_session = nope\nsso_account_id = 1\nsso_role_name = r\n"
        let error = await awsError { try await chain(["AWS_PROFILE": "me"], ["\(Self.home)/.aws/config": config]).credential(logger: quietLogger) }
        #expect(error?.message.contains("no [sso-session nope] section") == true)
    }

    @Test func containerFullURI_toAnotherHostOverHTTP_isRefused() async {
        let error = await awsError {
            try await chain(["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://169.254.1.1/creds"]).credential(logger: quietLogger)
        }
        #expect(error?.code == "ContainerCredentialsFailed")
        #expect(error?.message.contains("plain HTTP to 169.254.1.1") == true)
    }

    @Test func containerRelativeURI_goesToTheECSAgent_withTheTokenFromItsFile() async throws {
        let stub = ContainerStub(expectedToken: "tok-from-file")
        let credential = try await chain(["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/abc",
                                          "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "/run/tok",
                                          "AWS_CONTAINER_AUTHORIZATION_TOKEN": "ignored-when-the-file-is-set"],
                                         ["/run/tok": "tok-from-file"], transport: stub).credential(logger: quietLogger)
        #expect(credential.credential.accessKeyId == "ASIACONTAINER")
        #expect(await stub.urls == ["http://169.254.170.2/v2/credentials/abc"])
    }

    @Test func containerTokenWithALineBreak_isRefused() async {
        let error = await awsError {
            try await chain(["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:9/c", "AWS_CONTAINER_AUTHORIZATION_TOKEN": "a\r\nX-Evil: 1"])
                .credential(logger: quietLogger)
        }
        #expect(error?.message.contains("line break") == true)
    }

    @Test func sessionKeysFromTheEnvironment_thatAreARoleSession_capTheChainedRoleAtOneHour() async throws {
        await recorder.setIdentity("arn:aws:sts::111122223333:assumed-role/ci/run-1", forAccessKey: "ASIAENVROLE")
        let provider = AssumeRoleCredentialProvider(
            roleArn: "arn:aws:iam::444455556666:role/target", sessionName: "s", durationSeconds: 7200,
            base: EnvironmentCredentialProvider(environment: ["AWS_ACCESS_KEY_ID": "ASIAENVROLE", "AWS_SECRET_ACCESS_KEY": "s",
                                                              "AWS_SESSION_TOKEN": "t"]),
            makeSTS: recorder.factory)
        _ = try await provider.credential(logger: quietLogger)
        #expect(await recorder.calls.map(\.durationSeconds) == [3600])
    }

    @Test func sessionKeysOfAUser_keepTheRequestedLength_andLongTermKeysAreNotAsked() async throws {
        for (key, token) in [("ASIAUSERSESSION", "t" as String?), ("AKIALONGTERM", nil)] {
            var env = ["AWS_ACCESS_KEY_ID": key, "AWS_SECRET_ACCESS_KEY": "s"]
            env["AWS_SESSION_TOKEN"] = token
            let provider = AssumeRoleCredentialProvider(
                roleArn: "arn:aws:iam::444455556666:role/target", sessionName: "s", durationSeconds: 7200,
                base: EnvironmentCredentialProvider(environment: env), makeSTS: recorder.factory)
            _ = try await provider.credential(logger: quietLogger)
        }
        #expect(await recorder.calls.map(\.durationSeconds) == [7200, 7200])
        #expect(await recorder.identityCalls == 1)
    }
}

/// A container credentials endpoint that wants one Authorization value.
actor ContainerStub: HTTPTransport {
    let expectedToken: String
    private(set) var urls: [String] = []
    init(expectedToken: String) { self.expectedToken = expectedToken }

    func execute(_ request: HTTPRequest, timeout: Duration, logger: Logger) async throws -> HTTPResponse {
        urls.append(request.url.absoluteString)
        guard request.headers.contains(where: { $0.name == "Authorization" && $0.value == expectedToken }) else {
            return HTTPResponse(status: 401)
        }
        return HTTPResponse(status: 200, body: Data(#"{"AccessKeyId":"ASIACONTAINER","SecretAccessKey":"s","Token":"t","Expiration":"2025-01-01T06:00:00Z"}"#.utf8))
    }
}
