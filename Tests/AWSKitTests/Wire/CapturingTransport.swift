import AWSKit
import Foundation
import Logging

/// An `HTTPTransport` that records every request and answers each with a 400
/// error document in the service's wire format (`StubRecorded`), so a client
/// call always ends right after its request was captured.
actor CapturingTransport: HTTPTransport {
    /// The code of the error every request is answered with.
    static let errorCode = "StubRecorded"

    private(set) var requests: [HTTPRequest] = []

    /// Records `request` and answers it with a client error.
    func execute(_ request: HTTPRequest, timeout: Duration, logger: Logger) async throws -> HTTPResponse {
        requests.append(request)
        let isJSON = request.headers.contains { $0.name.caseInsensitiveCompare("X-Amz-Target") == .orderedSame }
        let body = isJSON
            ? #"{"__type":"\#(Self.errorCode)","message":"request recorded"}"#
            : "<ErrorResponse><Error><Type>Sender</Type><Code>\(Self.errorCode)</Code><Message>request recorded</Message>"
                + "</Error><RequestId>stub</RequestId></ErrorResponse>"
        let contentType = isJSON ? "application/x-amz-json-1.1" : "text/xml"
        return HTTPResponse(status: 400, headers: [(name: "Content-Type", value: contentType)], body: Data(body.utf8))
    }
}
