/// The fleet file's `retry.mode`: which of the AWS SDKs' retry modes to use.
public enum RetryMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// Jittered exponential backoff plus a retry quota (the SDK default).
    case standard
    /// Standard, plus a client-side send-rate limiter that slows down after
    /// throttling (`AdaptiveRateLimiter`). May delay even first attempts.
    case adaptive
}
