import AWSKit
import Testing

@Suite struct EnvironmentCredentialProviderTests {
    @Test func standardVariables_giveKeysAndSessionToken() async throws {
        let provider = EnvironmentCredentialProvider(environment: [
            "AWS_ACCESS_KEY_ID": TestKeys.accessKeyId, "AWS_SECRET_ACCESS_KEY": TestKeys.secret,
            "AWS_SESSION_TOKEN": TestKeys.token,
        ])
        let credential = try await provider.credential(logger: quietLogger)
        #expect(credential.credential.accessKeyId == TestKeys.accessKeyId)
        #expect(credential.credential.secretAccessKey == TestKeys.secret)
        #expect(credential.credential.sessionToken == TestKeys.token)
        #expect(credential.expiration == nil)
        #expect(credential.source == "environment")
    }

    @Test func legacyVariables_areNotRead_asBotocoreDoesNot() async {
        let error = await awsError {
            try await EnvironmentCredentialProvider(environment: ["AWS_ACCESS_KEY": "AKIALEGACY", "AWS_SECRET_KEY": "legacy-secret"])
                .credential(logger: quietLogger)
        }
        #expect(error?.isCredentialsNotFound == true)
    }

    @Test func noVariables_isNotFound_soTheChainMovesOn() async {
        let error = await awsError { try await EnvironmentCredentialProvider(environment: ["HOME": "/root"]).credential(logger: quietLogger) }
        #expect(error?.isCredentialsNotFound == true)
        #expect(error?.message == "AWS_ACCESS_KEY_ID is not set")
    }

    @Test func emptyVariables_countAsUnset() async {
        let error = await awsError {
            try await EnvironmentCredentialProvider(environment: ["AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""])
                .credential(logger: quietLogger)
        }
        #expect(error?.isCredentialsNotFound == true)
    }

    @Test func accessKeyWithoutSecret_isAHardErrorNamingTheMissingVariable() async {
        let error = await awsError {
            try await EnvironmentCredentialProvider(environment: ["AWS_ACCESS_KEY_ID": TestKeys.accessKeyId])
                .credential(logger: quietLogger)
        }
        #expect(error?.isCredentialsNotFound == false)
        #expect(error?.kind == .credentials)
        #expect(error?.description == "credentials environment: no credentials: AWS_ACCESS_KEY_ID is set but "
            + "AWS_SECRET_ACCESS_KEY is not: set both, or unset AWS_ACCESS_KEY_ID")
    }

    @Test func aLoneSecret_isNotFound_soTheChainMovesOn_andTheSecretIsNotShown() async {
        let error = await awsError {
            try await EnvironmentCredentialProvider(environment: ["AWS_SECRET_ACCESS_KEY": TestKeys.secret])
                .credential(logger: quietLogger)
        }
        #expect(error?.isCredentialsNotFound == true)
        #expect(error?.message == "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not")
        #expect(error.map { !"\($0)".contains(TestKeys.secret) } == true)
    }
}
