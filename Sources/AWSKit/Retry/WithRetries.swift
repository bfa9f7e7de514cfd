/// Runs `operation` with the AWS SDK retry rules: one loop that sleeps on the
/// injected clock and stops on cancellation.
///
/// For each attempt (1-based, passed to `operation`):
/// 1. stop with `CancellationError` if the task is cancelled;
/// 2. in adaptive mode, wait for a send token from `adaptive`;
/// 3. run the attempt. On success, pay the retry quota back and return.
/// 4. On failure, classify the error (`RetryClassifiable`; anything else is
///    terminal, and a `CancellationError` is rethrown as is), tell `adaptive`
///    whether it was a throttle, and ask `policy` what to do. A retry must be
///    paid for from `quota`; if the quota cannot pay, or the policy says fail,
///    the attempt's error is thrown unchanged.
/// 5. Sleep for the decided delay on `clock`, then go on to the next attempt.
///
/// A per-endpoint request budget (`TokenBucket` from `RateLimiterRegistry`)
/// belongs inside `operation`, so that every attempt pays for a token.
public func withRetries<T: Sendable, C: Clock>(
    policy: RetryPolicy = .standard(),
    quota: RetryQuota?,
    adaptive: AdaptiveRateLimiter? = nil,
    clock: C,
    random: some RandomNumberGenerator = SystemRandomNumberGenerator(),
    onRetry: (@Sendable (_ error: any Error, _ attempt: Int, _ delay: Duration) -> Void)? = nil,
    operation: @Sendable (_ attempt: Int) async throws -> T
) async throws -> T where C.Duration == Duration {
    var random = random
    var lastRetryCost: Int?
    var attempt = 1
    while true {
        try Task.checkCancellation()
        if let adaptive { try await adaptive.acquire() }
        do {
            let value = try await operation(attempt)
            await adaptive?.record(throttled: false)
            await quota?.recordSuccess(lastRetryCost: lastRetryCost)
            return value
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            let classifiable = error as? any RetryClassifiable
            let failure = classifiable?.retryClass ?? .terminal
            await adaptive?.record(throttled: failure == .throttling)
            let decision = policy.decide(
                attempt: attempt, failure: failure, retryAfter: classifiable?.retryAfter, random: &random)
            guard case .retry(let delay) = decision else { throw error }
            if let quota {
                guard let cost = await quota.acquire(for: failure) else {
                    // Say why it was not retried: in an outage the quota empties and calls fail fast.
                    if var aws = error as? AWSError {
                        aws.message += " (not retried: the retry quota is used up after repeated failures; calls fail fast until some succeed)"
                        throw aws
                    }
                    throw error
                }
                lastRetryCost = cost
            }
            onRetry?(error, attempt, delay)
            try await clock.sleep(until: clock.now.advanced(by: delay), tolerance: nil)
            attempt += 1
        }
    }
}
