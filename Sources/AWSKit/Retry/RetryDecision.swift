/// What the retry policy decided about one failed attempt.
public enum RetryDecision: Sendable, Hashable {
    /// Try again after waiting this long.
    case retry(after: Duration)
    /// Give up and return the error to the caller.
    case fail(RetryFailureReason)
}

/// Why the retry loop gave up on a call.
public enum RetryFailureReason: Sendable, Hashable, CustomStringConvertible {
    /// The error is terminal (validation, access denied, ...): retrying cannot help.
    case notRetryable
    /// The call failed on every one of its attempts.
    case maxAttemptsReached(Int)
    /// The shared retry quota was empty: too many recent failures, so this
    /// client stops retrying until calls succeed again.
    case retryQuotaExhausted

    /// A sentence for logs.
    public var description: String {
        switch self {
        case .notRetryable:
            "the error is not retryable"
        case .maxAttemptsReached(let attempts):
            "gave up after \(attempts) attempts; raise retry.max_attempts to try longer"
        case .retryQuotaExhausted:
            "the retry quota is exhausted after many recent failures; retries resume as calls succeed"
        }
    }
}
