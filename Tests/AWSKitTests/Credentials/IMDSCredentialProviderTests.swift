import AWSKit
import Foundation
import Testing

@Suite struct IMDSCredentialProviderTests {
    /// 2025-01-01T00:00:00Z; the stub's credentials expire six hours later.
    let now: @Sendable () -> Date = { Date(timeIntervalSince1970: 1_735_689_600) }

    @Test func imdsv2Flow_tokenThenRoleThenCredentials_withOneSecondTimeouts() async throws {
        let stub = IMDSStub()
        let credential = try await IMDSCredentialProvider(transport: stub, environment: [:], now: now)
            .credential(logger: quietLogger)
        #expect(credential.credential.accessKeyId == "ASIAIMDSEXAMPLE1")
        #expect(credential.credential.secretAccessKey == TestKeys.secret)
        #expect(credential.credential.sessionToken == TestKeys.token)
        #expect(credential.expiration == Date(timeIntervalSince1970: 1_735_689_600 + 6 * 3600))
        #expect(credential.source == "EC2 instance role snapferry-host (IMDSv2)")
        let base = "http://169.254.169.254/latest"
        #expect(await stub.requests == [
            .init(method: "PUT", url: "\(base)/api/token", timeout: .seconds(1)),
            .init(method: "GET", url: "\(base)/meta-data/iam/security-credentials/", timeout: .seconds(1)),
            .init(method: "GET", url: "\(base)/meta-data/iam/security-credentials/snapferry-host", timeout: .seconds(1)),
        ])
    }

    @Test func endpointOverride_fromEnvironment_isUsed() async throws {
        let stub = IMDSStub()
        _ = try await IMDSCredentialProvider(
            transport: stub, environment: ["AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:1338/"], now: now
        ).credential(logger: quietLogger)
        #expect(await stub.requests.allSatisfy { $0.url.hasPrefix("http://127.0.0.1:1338/latest/") })
    }

    @Test(arguments: ["true", "TRUE"])
    func disabledFlag_isNotFound_withoutAnyRequest(value: String) async {
        let stub = IMDSStub()
        let provider = IMDSCredentialProvider(transport: stub, environment: ["AWS_EC2_METADATA_DISABLED": value], now: now)
        #expect(provider.isDisabled)
        let error = await awsError { try await provider.credential(logger: quietLogger) }
        #expect(error?.isCredentialsNotFound == true)
        #expect(error?.message == "disabled by AWS_EC2_METADATA_DISABLED=true")
        #expect(await stub.requests.isEmpty)
    }

    @Test func unreachableService_isNotFound() async {
        let error = await awsError {
            try await IMDSCredentialProvider(transport: IMDSStub(reachable: false), environment: [:], now: now)
                .credential(logger: quietLogger)
        }
        #expect(error?.isCredentialsNotFound == true)
        #expect(error?.message == "no instance metadata service at http://169.254.169.254 (no answer within 1 s): not on EC2?")
    }

    @Test func instanceWithoutRole_isNotFound() async {
        let error = await awsError {
            try await IMDSCredentialProvider(transport: IMDSStub(role: nil), environment: [:], now: now)
                .credential(logger: quietLogger)
        }
        #expect(error?.isCredentialsNotFound == true)
        #expect(error?.message == "this EC2 instance has no IAM role attached (http://169.254.169.254)")
    }

    @Test func alreadyExpiredCredentials_areExtended_asBotocoreDoes() async throws {
        // botocore: at or within (15 min + jitter) of expiry, use them for that long from now.
        let credential = try await IMDSCredentialProvider(transport: IMDSStub(expiration: "2024-12-31T23:00:00Z"),
                                                          environment: [:], now: now, jitter: { 300 })
            .credential(logger: quietLogger)
        #expect(credential.credential.accessKeyId == "ASIAIMDSEXAMPLE1")
        #expect(credential.expiration == Date(timeIntervalSince1970: 1_735_689_600 + 1200))
    }

    @Test(arguments: [403, 404, 405])
    func tokenRefused_fallsBackToIMDSv1(status: Int) async throws {
        let stub = IMDSStub(tokenStatus: status)
        let credential = try await IMDSCredentialProvider(transport: stub, environment: [:], now: now).credential(logger: quietLogger)
        #expect(credential.credential.accessKeyId == "ASIAIMDSEXAMPLE1")
        #expect(credential.source == "EC2 instance role snapferry-host (IMDSv1)")
        #expect(await stub.requests.map(\.method) == ["PUT", "GET", "GET"])
    }

    @Test func tokenRefused_withV1Disabled_isAnErrorAndSendsNoGet() async {
        let stub = IMDSStub(tokenStatus: 403)
        let error = await awsError {
            try await IMDSCredentialProvider(transport: stub, environment: ["AWS_EC2_METADATA_V1_DISABLED": "true"], now: now)
                .credential(logger: quietLogger)
        }
        #expect(error?.code == "IMDSFailed")
        #expect(error?.message.contains("AWS_EC2_METADATA_V1_DISABLED=true forbids IMDSv1") == true)
        #expect(await stub.requests.map(\.method) == ["PUT"])
    }

    @Test func timeoutAndAttempts_comeFromTheEnvironment() async {
        let stub = IMDSStub(reachable: false)
        _ = await awsError {
            try await IMDSCredentialProvider(transport: stub, environment: ["AWS_METADATA_SERVICE_TIMEOUT": "2.5",
                                                                            "AWS_METADATA_SERVICE_NUM_ATTEMPTS": "3"], now: now)
                .credential(logger: quietLogger)
        }
        // The token request times out (then IMDSv1, as botocore), and the role GET is tried three times.
        #expect(await stub.requests.map(\.method) == ["PUT", "GET", "GET", "GET"])
        #expect(await stub.requests.allSatisfy { $0.timeout == .milliseconds(2500) })
    }

    @Test func stubRejectsGetsWithoutTheToken() async throws {
        // Guards the stub itself: the provider's passing tests prove it sent the token.
        let stub = IMDSStub()
        let request = HTTPRequest(method: "GET", url: URL(string: "http://169.254.169.254/latest/meta-data/iam/security-credentials/")!)
        let response = try await stub.execute(request, timeout: .seconds(1), logger: quietLogger)
        #expect(response.status == 401)
    }
}
