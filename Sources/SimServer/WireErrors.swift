import Foundation

/// Error replies in AWS's envelopes (AWS-ERRORS.md, "Envelope notes").
enum WireErrors {
    /// An awsQuery `<ErrorResponse>` for RDS or STS; EC2's own envelope for `ec2`.
    static func query(_ service: String, _ code: String, _ message: String, status: Int,
                      requestId: String? = nil) -> WireReply {
        if service == "ec2" { return ec2(code, message, status: status, requestId: requestId) }
        let id = requestId ?? UUID().uuidString.lowercased()
        let xml = QueryEnvelope.error(service: service, code: code, message: message, status: status, requestId: id)
        return WireReply(status: status, headers: queryHeaders(id), body: Data(xml.utf8))
    }

    /// A KMS JSON error `{"__type": code, "message": message}`.
    static func kms(_ code: String, _ message: String, status: Int, requestId: String? = nil) -> WireReply {
        let id = requestId ?? UUID().uuidString.lowercased()
        return WireReply(status: status, headers: kmsHeaders(id), body: KMSJSONWriter.error(code: code, message: message))
    }

    /// Headers of a Query (XML) answer.
    static func queryHeaders(_ requestId: String) -> [(name: String, value: String)] {
        [(name: "Content-Type", value: "text/xml"), (name: "x-amzn-RequestId", value: requestId)]
    }

    /// Headers of a JSON 1.1 answer.
    static func kmsHeaders(_ requestId: String) -> [(name: String, value: String)] {
        [(name: "Content-Type", value: "application/x-amz-json-1.1"), (name: "x-amzn-RequestId", value: requestId)]
    }
}
