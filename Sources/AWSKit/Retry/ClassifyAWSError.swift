/// Error codes that mean "you are being throttled", as recognised by the AWS
/// SDKs' standard retry mode (botocore `retries/standard.py`,
/// `ThrottledRetryableChecker`).
let throttlingErrorCodes: Set<String> = [
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
]

/// Error codes for passing server-side faults. The first three are the SDKs'
/// transient codes; the rest are the generic 5xx codes AWS query and JSON
/// services return, plus STS's IDPCommunicationError, which the SDKs retry.
let transientErrorCodes: Set<String> = [
    "RequestTimeout",
    "RequestTimeoutException",
    "PriorRequestNotComplete",
    "InternalFailure",
    "InternalError",
    "InternalServerError",
    "InternalServerException",
    "ServiceUnavailable",
    "ServiceUnavailableException",
    "IDPCommunicationError",
]

/// HTTP statuses the standard retry mode treats as transient.
let transientHTTPStatuses: Set<Int> = [500, 502, 503, 504]

/// Classifies an AWS error response by its error code and HTTP status.
///
/// The code wins over the status: throttling codes give `.throttling`, then
/// transient codes give `.transient`; otherwise HTTP 429 is `.throttling` and
/// 500/502/503/504 are `.transient`; anything else is `.terminal`.
/// `RequestTimeout` from the *server* is transient (the SDKs charge it the normal
/// retry cost); `.timeout` is for client-side connect/read timeouts, which the
/// transport layer reports without any code or status.
public func classifyAWSError(code: String?, httpStatus: Int?) -> RetryClass {
    if let code {
        if throttlingErrorCodes.contains(code) { return .throttling }
        if transientErrorCodes.contains(code) { return .transient }
    }
    if let httpStatus {
        if httpStatus == 429 { return .throttling }
        if transientHTTPStatuses.contains(httpStatus) { return .transient }
    }
    return .terminal
}
