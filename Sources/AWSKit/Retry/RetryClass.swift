/// How a failed AWS call should be treated by the retry loop.
public enum RetryClass: Sendable, Hashable {
    /// The service asked us to slow down (Throttling, HTTP 429, ...): retried,
    /// and in adaptive mode it lowers the client's send rate.
    case throttling
    /// A passing server or network fault (HTTP 5xx, InternalFailure,
    /// connection reset): retried.
    case transient
    /// No response in time (connect or read timeout): retried, at a higher
    /// retry-quota cost because a timed-out request may still be running.
    case timeout
    /// Anything else (validation, access denied, not found): never retried.
    case terminal

    /// Whether the standard retry rules ever retry this class.
    public var isRetryable: Bool {
        self != .terminal
    }
}

/// An error that knows how the retry loop should treat it. The AWS error type
/// conforms; errors that do not conform are treated as `.terminal`.
public protocol RetryClassifiable: Error {
    /// The retry class of this failure.
    var retryClass: RetryClass { get }
    /// The server's hint for how long to wait (`x-amz-retry-after` or
    /// `Retry-After`), if it sent one. See `retryAfterHint(headers:)`.
    var retryAfter: Duration? { get }
}
