import AWSKit
import Testing

@Suite("classifyAWSError")
struct ClassifyAWSErrorTests {
    @Test("throttlingCodes_classifyAsThrottling_whateverTheStatus", arguments: [
        ("Throttling", 400), ("ThrottlingException", 400), ("RequestLimitExceeded", 503),
        ("TooManyRequestsException", 429), ("ProvisionedThroughputExceededException", 400),
        ("RequestThrottled", 400), ("SlowDown", 503), ("LimitExceededException", 400),
        ("ThrottledException", 400), ("RequestThrottledException", 400), ("EC2ThrottledException", 400),
        ("BandwidthLimitExceeded", 400), ("TransactionInProgressException", 400),
        ("PriorRequestNotComplete", 400),
    ])
    func throttlingCodes(code: String, status: Int) {
        #expect(classifyAWSError(code: code, httpStatus: status) == .throttling)
    }

    @Test("transientCodes_classifyAsTransient", arguments: [
        "InternalFailure", "InternalError", "ServiceUnavailable", "RequestTimeout",
        "RequestTimeoutException", "IDPCommunicationError",
    ])
    func transientCodes(code: String) {
        #expect(classifyAWSError(code: code, httpStatus: 400) == .transient)
    }

    @Test("statusOnly_429IsThrottling_5xxIsTransient_othersTerminal", arguments: [
        (429, RetryClass.throttling), (500, .transient), (502, .transient), (503, .transient),
        (504, .transient), (501, .terminal), (400, .terminal), (403, .terminal), (404, .terminal),
    ])
    func statusOnly(status: Int, expected: RetryClass) {
        #expect(classifyAWSError(code: nil, httpStatus: status) == expected)
        #expect(classifyAWSError(code: "SomethingUnknown", httpStatus: status) == expected)
    }

    @Test("clientErrors_andNothingKnown_areTerminal", arguments: [
        "DBClusterSnapshotNotFoundFault", "InvalidParameterValue", "AccessDenied",
        "ExpiredToken", "KMSKeyNotAccessibleFault", "throttling",
    ])
    func terminalCodes(code: String) {
        #expect(classifyAWSError(code: code, httpStatus: 400) == .terminal)
        #expect(classifyAWSError(code: nil, httpStatus: nil) == .terminal)
    }
}
