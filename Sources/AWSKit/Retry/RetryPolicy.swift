/// The AWS SDKs' **standard** retry rules as a pure decision: given one failed
/// attempt, retry after a delay or give up. The loop that sleeps is
/// `withRetries`; the shared retry budget is `RetryQuota`.
///
/// Backoff is "full jitter" truncated binary exponential backoff, as in
/// botocore `retries/standard.py` (`ExponentialBackoff`, the standard retry mode):
///
///     delay(attempt) = random(0...1) × min(maxBackoff, baseDelay × 2^(attempt − 1))
///
/// with `baseDelay` 1 s and `maxBackoff` 20 s by default, so the first retry
/// waits up to 1 s, the second up to 2 s, ..., never more than 20 s.
/// See https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts per call, the first one included (`retry.max_attempts`). At least 1.
    public var maxAttempts: Int
    /// Backoff ceiling for the first retry; doubles per attempt.
    public var baseDelay: Duration
    /// Upper bound of the backoff ceiling.
    public var maxBackoff: Duration
    /// Upper bound on a server `Retry-After` hint, so a bogus header cannot
    /// park a call for hours.
    public var maxRetryAfter: Duration

    /// Creates a policy. `maxAttempts` below 1 counts as 1 (no retries).
    public init(
        maxAttempts: Int = 3,
        baseDelay: Duration = .seconds(1),
        maxBackoff: Duration = .seconds(20),
        maxRetryAfter: Duration = .seconds(20)
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxBackoff = maxBackoff
        self.maxRetryAfter = maxRetryAfter
    }

    /// The SDK standard mode: 3 attempts by default, 1 s base, 20 s cap.
    public static func standard(maxAttempts: Int = 3) -> RetryPolicy {
        RetryPolicy(maxAttempts: maxAttempts)
    }

    /// The most the jittered delay can be after failed attempt `attempt`
    /// (1-based): `min(maxBackoff, baseDelay × 2^(attempt − 1))`.
    public func backoffCeiling(afterAttempt attempt: Int) -> Duration {
        let exponent = max(0, attempt - 1)
        // 2^exponent overflows long after any sane cap is reached; stop doubling
        // as soon as the cap is hit.
        var ceiling = baseDelay
        for _ in 0..<min(exponent, 62) {
            if ceiling >= maxBackoff { break }
            ceiling = ceiling * 2
        }
        return min(ceiling, maxBackoff)
    }

    /// Decides what to do after attempt `attempt` (1-based) failed with an error
    /// of class `failure`.
    ///
    /// - Terminal errors fail at once (`.notRetryable`).
    /// - After the last allowed attempt the call fails (`.maxAttemptsReached`).
    /// - Otherwise: retry after the full-jitter backoff. A server hint
    ///   (`retryAfter`) raises the delay to at least the hint, bounded by
    ///   `maxRetryAfter`; it never shortens the backoff.
    ///
    /// The retry quota is not consulted here: the loop charges it only once this
    /// returns `.retry`, as the SDKs do.
    public func decide(
        attempt: Int,
        failure: RetryClass,
        retryAfter: Duration? = nil,
        random: inout some RandomNumberGenerator
    ) -> RetryDecision {
        guard failure.isRetryable else { return .fail(.notRetryable) }
        guard attempt < maxAttempts else { return .fail(.maxAttemptsReached(max(attempt, 1))) }
        let jitter = Double.random(in: 0...1, using: &random)
        var delay = backoffCeiling(afterAttempt: attempt) * jitter
        if let retryAfter, retryAfter > .zero {
            delay = max(delay, min(retryAfter, maxRetryAfter))
        }
        return .retry(after: delay)
    }
}
