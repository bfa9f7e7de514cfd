import AWSSigV4
import Foundation
import Logging
import SnapferryCore

/// Sends signed requests for one account and region: rate-limited per
/// account × region × service, retried by the AWS standard or adaptive rules,
/// with fresh credentials fetched once per attempt (never mid-request).
public final class AWSClient: Sendable {
    /// Account id (for rate-limit keys, metrics and messages), if known.
    public let account: String?
    /// Region requests are signed for.
    public let region: String
    let credentials: any CredentialProvider
    let transport: any HTTPTransport
    let endpoints: EndpointResolver
    let policy: RetryPolicy
    let quota: RetryQuota
    let adaptive: AdaptiveRateLimiter?
    let rateLimiters: RateLimiterRegistry?
    let retryStates: RetryStateRegistry?
    let clock: AnyClock
    let now: @Sendable () -> Date
    let observer: (any AWSCallObserver)?
    let timeout: Duration
    let logger: Logger

    /// Creates a client. `rateLimiters` is shared by every client of the process so that
    /// all calls to one account × region × service draw from one budget.
    public init(account: String?, region: String, credentials: any CredentialProvider, transport: any HTTPTransport,
                endpoints: EndpointResolver, retry: RetryPolicy = .standard(), retryMode: RetryMode = .standard,
                rateLimiters: RateLimiterRegistry? = nil, retryStates: RetryStateRegistry? = nil,
                clock: AnyClock = AnyClock(ContinuousClock()),
                now: @escaping @Sendable () -> Date = { Date() }, observer: (any AWSCallObserver)? = nil,
                timeout: Duration = .seconds(30), logger: Logger = Logger(label: "snapferry.aws")) {
        self.account = account; self.region = region; self.credentials = credentials; self.transport = transport
        self.endpoints = endpoints; self.policy = retry; self.quota = RetryQuota()
        self.adaptive = retryMode == .adaptive ? AdaptiveRateLimiter(clock: clock) : nil
        self.rateLimiters = rateLimiters; self.retryStates = retryStates; self.clock = clock; self.now = now; self.observer = observer
        self.timeout = timeout; self.logger = logger
    }

    /// Sends one operation with retries and decodes the successful (2xx) response; a body that
    /// cannot be decoded (truncated, malformed) fails the attempt and is retried like a 5xx.
    /// `signed: false` sends the request without credentials (AssumeRoleWithWebIdentity, whose token is the proof).
    func send<T: Sendable>(_ service: AWSService, operation: String, body: Data, headers: [(name: String, value: String)],
                           signed: Bool = true, decode: @escaping @Sendable (HTTPResponse) throws -> T) async throws -> T {
        guard let url = endpoints.endpoint(for: service, region: region) else {
            throw AWSError(kind: .transport, service: service.id, operation: operation, code: "",
                           message: "no endpoint for \(service.id) in \(region); check AWS_ENDPOINT_URL and the fleet file's endpoints")
        }
        let logger = self.logger, maxAttempts = policy.maxAttempts
        // Structured fields for the daemon's logfmt/JSON lines (the stderr handler of commands shows them too).
        let fields: Logger.Metadata = ["account": "\(account ?? "-")", "region": "\(region)", "service": "\(service.id)",
                                       "operation": "\(operation)"]
        // Operators see that a call is being retried and why, at warning level, once per retry.
        let notice: @Sendable (any Error, Int, Duration) -> Void = { error, attempt, delay in
            let why = (error as? AWSError).map { $0.kind == .service ? $0.code : $0.message } ?? "\(error)"
            var meta = fields
            if let aws = error as? AWSError {
                meta["code"] = "\(aws.code)"
                if let id = aws.requestId { meta["request_id"] = "\(id)" }
            }
            logger.warning("\(service.id) \(operation) failed (\(why)); retrying, attempt \(attempt + 1) of \(maxAttempts) in \(delay.formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 1))))",
                           metadata: meta)
        }
        // The quota and adaptive rate live as long as the process, per account × region × service.
        var quota = self.quota, adaptive = self.adaptive
        if let retryStates {
            let state = await retryStates.state(for: RateLimitKey(account: account ?? "default", region: region, service: service.id))
            quota = state.quota; adaptive = state.adaptive
        }
        let mutating = Self.isMutating(operation)
        // A session AWS calls expired before its expiration (clock skew) is fetched anew and the call
        // sent once more, outside the retry budget: the request was refused, not applied.
        var renewed = false
        while true {
            do {
                return try await sendWithRetries(service, operation: operation, url: url, body: body, headers: headers, signed: signed,
                                                 quota: quota, adaptive: adaptive, mutating: mutating, notice: notice, decode: decode)
            } catch let error as AWSError where !renewed && error.isExpiredSession && signed {
                renewed = true
                logger.warning("\(service.id) \(operation): AWS says the session expired; fetching new credentials and sending once more",
                               metadata: fields.merging(["request_id": "\(error.requestId ?? "-")"]) { $1 })
            }
        }
    }

    private func sendWithRetries<T: Sendable>(_ service: AWSService, operation: String, url: URL, body: Data,
                                              headers: [(name: String, value: String)], signed: Bool, quota: RetryQuota,
                                              adaptive: AdaptiveRateLimiter?, mutating: Bool,
                                              notice: @escaping @Sendable (any Error, Int, Duration) -> Void,
                                              decode: @escaping @Sendable (HTTPResponse) throws -> T) async throws -> T {
        try await withRetries(policy: policy, quota: quota, adaptive: adaptive, clock: clock, onRetry: notice) { attempt in
            let response = try await self.attempt(service, operation: operation, url: url, body: body, headers: headers,
                                                  signed: signed, attempt: attempt)
            do {
                return try decode(response)
            } catch var error as AWSError where mutating && error.kind == .malformedResponse {
                // The change may have been applied: re-sending could make it twice. The engines observe instead.
                error.mayHaveBeenApplied = true
                throw error
            }
        }
    }

    private func attempt(_ service: AWSService, operation: String, url: URL, body: Data,
                         headers: [(name: String, value: String)], signed: Bool, attempt: Int) async throws -> HTTPResponse {
        if let rateLimiters {
            try await rateLimiters.acquire(for: RateLimitKey(account: account ?? "default", region: region, service: service.id))
        }
        var requestHeaders = headers
        requestHeaders.append((name: "User-Agent", value: "snapferry/\(Self.version)"))
        if attempt > 1 { requestHeaders.append((name: "amz-sdk-request", value: "attempt=\(attempt); max=\(policy.maxAttempts)")) }
        var sentHeaders = requestHeaders
        var usedCredential: AWSCredential?
        if signed {
            let credential: AWSCredential
            do {
                credential = try await credentials.credential(logger: logger).credential
            } catch var error as AWSError {
                if error.operation.isEmpty { error.operation = operation }
                error.whileResolvingCredentials = true
                throw error
            }
            usedCredential = credential
            let signer = SigV4Signer(credential: credential, region: region, service: service.signingName)
            sentHeaders = signer.signHeaders(SigV4Request(method: "POST", url: url, headers: requestHeaders, payload: .bytes(body)),
                                             date: now())
        }
        let request = HTTPRequest(method: "POST", url: url, headers: sentHeaders, body: body)
        let started = ContinuousClock.now
        do {
            let response: HTTPResponse
            if Self.isMutating(operation) {
                // A change on its way to AWS is let finish when the run is stopped (SIGTERM, SIGINT): its answer
                // (the new snapshot's ARN, the share) is what the journal records. Bounded by `timeout`.
                // `immediate`: it starts on this thread, with no hand-over to another before the request leaves.
                let transport = self.transport, timeout = self.timeout, logger = self.logger
                response = try await Task.immediate { try await transport.execute(request, timeout: timeout, logger: logger) }.value
            } else {
                response = try await transport.execute(request, timeout: timeout, logger: logger)
            }
            if (200..<300).contains(response.status) {
                observe(service, operation, code: "ok", status: response.status, since: started, throttled: false)
                return response
            }
            let error = service.parseError(response, operation: operation)
            if error.isExpiredSession, let usedCredential { await credentials.expire(usedCredential) }
            observe(service, operation, code: error.code, status: response.status, since: started,
                    throttled: error.retryClass == .throttling)
            logger.debug("aws call failed", metadata: ["account": "\(account ?? "-")", "region": "\(region)",
                                                       "service": "\(service.id)", "operation": "\(operation)",
                                                       "code": "\(error.code)", "request_id": "\(error.requestId ?? "-")",
                                                       "attempt": "\(attempt)"])
            throw error
        } catch var error as AWSError where error.kind == .transport || error.kind == .timeout {
            error.service = service.id; error.operation = operation
            observe(service, operation, code: error.kind == .timeout ? "timeout" : "transport", status: nil,
                    since: started, throttled: false)
            throw error
        }
    }

    private func observe(_ service: AWSService, _ operation: String, code: String, status: Int?,
                         since started: ContinuousClock.Instant, throttled: Bool) {
        observer?.record(AWSCallRecord(service: service.id, operation: operation, account: account, region: region,
                                       code: code, httpStatus: status, duration: ContinuousClock.now - started,
                                       throttled: throttled))
    }

    /// Whether `operation` changes AWS state (anything but Describe*, List*, Get* and AssumeRole*).
    static func isMutating(_ operation: String) -> Bool {
        !["Describe", "List", "Get", "AssumeRole"].contains { operation.hasPrefix($0) }
    }

    /// Sent in User-Agent (`snapferry/0.1.0`).
    public static let version = SnapferryVersion.number
}
