import Foundation

/// A failed AWS call: the service's error code and message, the HTTP status and
/// request id, and an operator-facing hint for the codes whose fix is known.
/// Also used for transport failures (no status) and malformed responses.
public struct AWSError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, at the level the retry loop cares about.
    public enum Kind: Sendable, Hashable {
        /// AWS answered with an error document.
        case service
        /// No usable answer: connection refused or reset, DNS.
        case transport
        /// No answer in time.
        case timeout
        /// AWS answered 2xx but the body could not be read.
        case malformedResponse
        /// No credentials could be found or obtained.
        case credentials
    }

    /// Kind of failure.
    public var kind: Kind
    /// `rds`, `sts`, `kms`.
    public var service: String
    /// e.g. `CreateDBClusterSnapshot`.
    public var operation: String
    /// Wire code, e.g. `DBClusterSnapshotAlreadyExistsFault`; empty for non-service errors.
    public var code: String
    /// AWS's message, cut before the canonical request AWS appends to `SignatureDoesNotMatch`
    /// and with anything that looks like a credential redacted.
    public var message: String
    /// What was cut from the message (AWS's canonical request and string to sign), redacted;
    /// for `--verbose` only.
    public var detail: String?
    /// HTTP status, if a response arrived.
    public var httpStatus: Int?
    /// `x-amzn-RequestId` or the document's RequestId.
    public var requestId: String?
    /// Server hint from `x-amz-retry-after` / `Retry-After`.
    public var retryAfter: Duration?
    /// The call changes AWS state and its 2xx answer could not be read: the change may have
    /// been applied. It is not re-sent; the caller resolves it by observing.
    public var mayHaveBeenApplied = false
    /// It failed while getting credentials for the call (e.g. AssumeRole): already retried by
    /// the STS client, so the service call does not retry it again.
    public var whileResolvingCredentials = false

    /// Creates an error.
    public init(kind: Kind = .service, service: String, operation: String, code: String, message: String,
                httpStatus: Int? = nil, requestId: String? = nil, retryAfter: Duration? = nil) {
        self.kind = kind; self.service = service; self.operation = operation; self.code = code
        self.httpStatus = httpStatus; self.requestId = requestId; self.retryAfter = retryAfter
        let (short, detail) = Redaction.splitAWSMessage(message)
        self.message = short
        self.detail = detail
    }

    /// The description followed by what AWS appended (the canonical request), redacted.
    public var verboseDescription: String {
        guard let detail else { return description }
        return description + "\n  AWS's detail:\n" + detail.split(separator: "\n", omittingEmptySubsequences: false)
            .map { "    " + $0 }.joined(separator: "\n")
    }

    /// `rds CreateDBClusterSnapshot: DBClusterSnapshotAlreadyExistsFault (HTTP 400): … [request id …] — hint`.
    public var description: String {
        var text = "\(service) \(operation): "
        switch kind {
        case .service:
            text += code
            if let httpStatus { text += " (HTTP \(httpStatus))" }
            if !message.isEmpty { text += ": \(message)" }
        case .transport: text += "connection failed: \(message)"
        case .timeout: text += "timed out: \(message)"
        case .malformedResponse:
            text += "unreadable response: \(message)"
            if mayHaveBeenApplied { text += " (the change may have been applied; not re-sent)" }
        case .credentials: text += "no credentials: \(message)"
        }
        if let requestId { text += " [request id \(requestId)]" }
        if let hint { text += "\n  → \(hint)" }
        return text
    }

    /// True for the code, ignoring a trailing `Fault`/`Exception` difference between
    /// the wire and the model's shape name.
    public func `is`(_ code: String) -> Bool {
        func base(_ c: String) -> String {
            for suffix in ["Fault", "Exception"] where c.hasSuffix(suffix) { return String(c.dropLast(suffix.count)) }
            return c
        }
        return base(self.code) == base(code)
    }

    /// A not-found answer for the resource the operation names.
    public var isNotFound: Bool {
        code.hasSuffix("NotFoundFault") || code.hasSuffix("NotFound") || code == "NotFoundException"
    }
}

extension AWSError: RetryClassifiable {
    /// Throttling, transient, timeout or terminal, from the code and status.
    public var retryClass: RetryClass {
        if mayHaveBeenApplied || whileResolvingCredentials { return .terminal }
        switch kind {
        case .service: return classifyAWSError(code: code, httpStatus: httpStatus)
        case .transport: return .transient
        case .timeout: return .timeout
        case .malformedResponse: return .transient   // a cut-off body: the next attempt usually reads it whole
        case .credentials: return .terminal
        }
    }
}
