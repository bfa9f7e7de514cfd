import Foundation

/// One finished AWS request attempt, for metrics and call accounting.
public struct AWSCallRecord: Sendable, Hashable {
    /// `rds`, `sts`, `kms`.
    public var service: String
    /// Operation name.
    public var operation: String
    /// Account the call acted in (the fleet's id), if known.
    public var account: String?
    /// Region.
    public var region: String
    /// `ok`, the AWS error code, or `transport`/`timeout`.
    public var code: String
    /// HTTP status, if any.
    public var httpStatus: Int?
    /// Wall time of the attempt.
    public var duration: Duration
    /// Whether AWS throttled it.
    public var throttled: Bool
}

/// Receives every request attempt (the daemon's metrics implement it).
public protocol AWSCallObserver: Sendable {
    /// Called once per attempt, after the response (or failure).
    func record(_ call: AWSCallRecord)
}
