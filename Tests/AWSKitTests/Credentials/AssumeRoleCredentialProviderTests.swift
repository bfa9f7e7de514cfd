import AWSKit
import AWSSigV4
import Foundation
import Testing

@Suite struct AssumeRoleCredentialProviderTests {
    let expiration = Date(timeIntervalSince1970: 1_735_693_200)
    let roleArn = "arn:aws:iam::111122223333:role/snapferry-target"

    @Test func passesRoleExternalIdSessionNameAndDuration_signedWithBaseKeys() async throws {
        let recorder = STSRecorder(expiration: expiration)
        let provider = AssumeRoleCredentialProvider(
            roleArn: roleArn, externalId: "ext-1", sessionName: AssumeRoleCredentialProvider.sessionName(forAccount: "prod-eu"),
            durationSeconds: 7200, base: .static(AWSCredential(accessKeyId: "AKIABASE", secretAccessKey: "s")),
            makeSTS: recorder.factory)
        let credential = try await provider.credential(logger: quietLogger)
        #expect(await recorder.calls == [AssumeRoleCall(roleArn: roleArn, sessionName: "snapferry-prod-eu",
                                                         externalId: "ext-1", durationSeconds: 7200, baseAccessKeyId: "AKIABASE")])
        #expect(credential.expiration == expiration)
        #expect(credential.assumedRoleArn == roleArn)
        #expect(credential.source == "assumed role \(roleArn) (via static)")
    }

    @Test func chainedFromAnAssumedRole_durationCappedAtOneHour() async throws {
        let recorder = STSRecorder(expiration: expiration)
        let first = AssumeRoleCredentialProvider(roleArn: "arn:aws:iam::1:role/hub", sessionName: "a",
                                                 base: .static(AWSCredential(accessKeyId: "AKIABASE", secretAccessKey: "s")),
                                                 makeSTS: recorder.factory)
        let second = AssumeRoleCredentialProvider(roleArn: roleArn, sessionName: "b", durationSeconds: 43_200,
                                                  base: first, makeSTS: recorder.factory)
        _ = try await second.credential(logger: quietLogger)
        #expect(await recorder.calls.map(\.durationSeconds) == [nil, 3600])
    }

    @Test func baseWithExpiryButNotFromAssumeRole_isNotCapped() async throws {
        let recorder = STSRecorder(expiration: expiration)
        let provider = AssumeRoleCredentialProvider(roleArn: roleArn, sessionName: "x", durationSeconds: 7200,
                                                    base: IMDSCredentialProvider(transport: IMDSStub(), now: { Date(timeIntervalSince1970: 0) }),
                                                    makeSTS: recorder.factory)
        _ = try await provider.credential(logger: quietLogger)
        #expect(await recorder.calls.map(\.durationSeconds) == [7200])
    }

    @Test func givenSTSClient_isUsedAsIs() async throws {
        let recorder = STSRecorder(expiration: expiration)
        let sts = StubSTS(recorder: recorder, base: .static(AWSCredential(accessKeyId: "AKIACLIENT", secretAccessKey: "s")))
        let credential = try await AssumeRoleCredentialProvider(sts: sts, roleArn: roleArn, sessionName: "s1")
            .credential(logger: quietLogger)
        #expect(await recorder.calls.map(\.baseAccessKeyId) == ["AKIACLIENT"])
        #expect(credential.source == "assumed role \(roleArn) (via the given STS client)")
    }

    @Test func stsFailure_isPassedThroughWithItsHint() async {
        let recorder = STSRecorder(expiration: expiration)
        let denied = AWSError(service: "sts", operation: "AssumeRole", code: "AccessDenied",
                              message: "User is not authorized to perform: sts:AssumeRole", httpStatus: 403)
        await recorder.fail(with: denied)
        let error = await awsError {
            try await AssumeRoleCredentialProvider(roleArn: roleArn, sessionName: "x",
                                                   base: .static(AWSCredential(accessKeyId: "A", secretAccessKey: "s")),
                                                   makeSTS: recorder.factory).credential(logger: quietLogger)
        }
        #expect(error == denied)
    }

    @Test(arguments: [
        ("prod-eu", "snapferry-prod-eu"),
        ("Prod EU/main", "snapferry-Prod-EU-main"),
        ("team+ops=a,b.c@d_e", "snapferry-team+ops=a,b.c@d_e"),
        ("é:ü", "snapferry----"),
        (String(repeating: "a", count: 80), "snapferry-" + String(repeating: "a", count: 54)),
    ])
    func sessionName_restrictedToAWSCharactersAnd64Chars(account: String, expected: String) {
        let name = AssumeRoleCredentialProvider.sessionName(forAccount: account)
        #expect(name == expected)
        #expect(name.count <= 64)
    }

    @Test func explicitSessionName_isSanitizedToo() {
        let provider = AssumeRoleCredentialProvider(
            roleArn: roleArn, sessionName: "has space", base: .static(AWSCredential(accessKeyId: "A", secretAccessKey: "s")),
            makeSTS: STSRecorder(expiration: expiration).factory)
        #expect(provider.sessionName == "has-space")
    }
}
