import AWSKit
import AWSSigV4
import Foundation
import Testing

@Suite struct CredentialChainTests {
    let recorder = STSRecorder(expiration: Date(timeIntervalSince1970: 1_735_693_200))
    let now: @Sendable () -> Date = { Date(timeIntervalSince1970: 1_735_689_600) }
    let profileFile = ["/root/.aws/credentials": "[default]\naws_access_key_id = AKIAPROFILE\naws_secret_access_key = s"]
    let envKeys = ["AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "s"]

    func chain(_ environment: [String: String], files contents: [String: String] = [:],
               imds: IMDSStub = IMDSStub(reachable: false)) -> any CredentialProvider {
        CredentialChain.awsCLIDefault(environment: environment.merging(["HOME": "/root"]) { current, _ in current },
                                      transport: imds, makeSTS: recorder.factory, readFile: files(contents), now: now)
    }

    @Test func environmentWinsOverProfileAndIMDS() async throws {
        let imds = IMDSStub()
        let credential = try await chain(envKeys, files: profileFile, imds: imds).credential(logger: quietLogger)
        #expect(credential.source == "environment")
        #expect(await imds.requests.isEmpty)
    }

    @Test func profileWinsOverIMDS() async throws {
        let imds = IMDSStub()
        let credential = try await chain([:], files: profileFile, imds: imds).credential(logger: quietLogger)
        #expect(credential.credential.accessKeyId == "AKIAPROFILE")
        #expect(await imds.requests.isEmpty)
    }

    @Test func imdsIsTheLastResort() async throws {
        let credential = try await chain([:], imds: IMDSStub()).credential(logger: quietLogger)
        #expect(credential.source == "EC2 instance role snapferry-host (IMDSv2)")
    }

    @Test func brokenEnvironment_stopsTheChain() async {
        let error = await awsError { try await chain(["AWS_ACCESS_KEY_ID": "AKIAENV"], files: profileFile).credential(logger: quietLogger) }
        #expect(error?.code == "PartialCredentials")
    }

    @Test func nothingFound_listsWhatWasTriedAndWhatToSet() async {
        let error = await awsError { try await chain([:]).credential(logger: quietLogger) }
        #expect(error?.description == """
            credentials chain: no credentials: no AWS credentials found. Tried: environment (AWS_ACCESS_KEY_ID is not set); \
            shared files (no [default] profile in ~/.aws/credentials, ~/.aws/config); EC2 instance metadata (no instance \
            metadata service at http://169.254.169.254 (no answer within 1 s): not on EC2?). Set AWS_ACCESS_KEY_ID and \
            AWS_SECRET_ACCESS_KEY, or AWS_PROFILE naming a profile in ~/.aws/credentials or ~/.aws/config, or \
            AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN, or run on EC2 with an instance role
            """)
    }

    @Test func imdsDisabled_isLeftOutOfTheChain() async {
        let imds = IMDSStub()
        let error = await awsError { try await chain(["AWS_EC2_METADATA_DISABLED": "true"], imds: imds).credential(logger: quietLogger) }
        #expect(error?.code == "NoCredentials")
        #expect(error?.message.contains("EC2 instance metadata") == false)
        #expect(await imds.requests.isEmpty)
    }

    @Test func defaultChain_cachesTheAnswer() async throws {
        let imds = IMDSStub()
        let provider = chain([:], imds: imds)
        _ = try await provider.credential(logger: quietLogger)
        _ = try await provider.credential(logger: quietLogger)
        #expect(await imds.requests.count == 3)
    }

    @Test func staticFactory_returnsTheCredentialWithoutExpiry() async throws {
        let credential = try await CredentialChain.static(AWSCredential(accessKeyId: "AKIASTATIC", secretAccessKey: "s"))
            .credential(logger: quietLogger)
        #expect(credential.credential.accessKeyId == "AKIASTATIC")
        #expect(credential.expiration == nil)
    }

    @Test func descriptionsAndDumps_neverContainSecretOrToken() async throws {
        let sources: [any CredentialProvider] = [
            chain(["AWS_ACCESS_KEY_ID": TestKeys.accessKeyId, "AWS_SECRET_ACCESS_KEY": TestKeys.secret,
                   "AWS_SESSION_TOKEN": TestKeys.token]),
            chain([:], imds: IMDSStub()),
            chain(["AWS_PROFILE": "p"], files: ["/root/.aws/config": """
                [profile p]
                aws_access_key_id = \(TestKeys.accessKeyId)
                aws_secret_access_key = \(TestKeys.secret)
                aws_session_token = \(TestKeys.token)
                """]),
        ]
        for source in sources {
            let credential = try await source.credential(logger: quietLogger)
            #expect(credential.credential.secretAccessKey == TestKeys.secret)
            var dumped = ""
            dump(credential, to: &dumped)
            for text in ["\(credential)", String(reflecting: credential), dumped, credential.source] {
                #expect(!text.contains(TestKeys.secret))
                #expect(!text.contains(TestKeys.token))
                #expect(!text.contains(TestKeys.accessKeyId), "only a masked key id: \(text)")
            }
        }
        let halfPair = await awsError { try await chain(["AWS_SECRET_ACCESS_KEY": TestKeys.secret]).credential(logger: quietLogger) }
        #expect(halfPair.map { !"\($0)".contains(TestKeys.secret) } == true)
    }
}
