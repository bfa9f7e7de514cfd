import Foundation

/// One call the world answered, for assertions and `GET /_sim/calls`.
public struct SimCallRecord: Sendable, Hashable, Codable {
    /// Simulated time of the call.
    public var time: Date
    /// `rds`, `sts`, `kms`.
    public var service: String
    /// Operation name.
    public var operation: String
    /// The caller's account (nil when the key was unknown).
    public var account: String?
    /// Region.
    public var region: String
    /// HTTP status answered (0 for a simulated connection reset).
    public var status: Int
    /// Error code, nil on success.
    public var code: String?
    /// The client's attempt number (`amz-sdk-request`), nil for a first attempt or an in-process call.
    public var attempt: Int?
    /// Real time the wire server received the call (nil in process).
    public var received: Date?
    /// `truncate` when the answer was cut short after the call was applied (a reset shows as `code`).
    public var fault: String?
    /// Milliseconds of injected latency.
    public var latencyMs: Int = 0

    /// Creates a record.
    public init(time: Date, service: String, operation: String, account: String?, region: String, status: Int, code: String?,
                attempt: Int? = nil, received: Date? = nil) {
        self.time = time; self.service = service; self.operation = operation; self.account = account
        self.region = region; self.status = status; self.code = code; self.attempt = attempt; self.received = received
    }
}

/// A token bucket on simulated time (one per account × region × service).
struct SimTokenBucket: Sendable {
    var tokens: Double
    var last: Date

    /// Refills for the time passed, then takes one token if there is one.
    mutating func take(at now: Date, burst: Double, rate: Double) -> Bool {
        let elapsed = max(0, now.timeIntervalSince(last))
        tokens = min(burst, tokens + elapsed * rate)
        last = max(last, now)
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}

/// A refusal from a rule of the world; the pipeline turns it into an `AWSError`
/// naming the service and operation.
struct SimDenial: Error, Sendable {
    var code: String
    var message: String
    var status: Int

    init(_ code: String, _ message: String, status: Int = 400) { self.code = code; self.message = message; self.status = status }

    static func invalidParameter(_ message: String) -> SimDenial { SimDenial("InvalidParameterValue", message) }
    static func missing(_ name: String) -> SimDenial {
        SimDenial("MissingParameter", "The request must contain the parameter \(name)")
    }
    static func snapshotNotFound(_ id: String) -> SimDenial {
        SimDenial("DBClusterSnapshotNotFoundFault", "DBClusterSnapshot not found: \(id)", status: 404)
    }
    static func clusterNotFound(_ id: String) -> SimDenial {
        SimDenial("DBClusterNotFoundFault", "DBCluster \(id) not found.", status: 404)
    }
    static func instanceNotFound(_ id: String) -> SimDenial {
        SimDenial("DBInstanceNotFound", "DBInstance \(id) not found.", status: 404)
    }
    static func snapshotState(_ message: String) -> SimDenial { SimDenial("InvalidDBClusterSnapshotStateFault", message) }
    static func clusterState(_ message: String) -> SimDenial { SimDenial("InvalidDBClusterStateFault", message) }
    static func keyNotAccessible(_ message: String) -> SimDenial { SimDenial("KMSKeyNotAccessibleFault", message) }
}
