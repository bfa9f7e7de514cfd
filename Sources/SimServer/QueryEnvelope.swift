import AWSKit
import Foundation

/// The awsQuery XML envelopes of RDS and STS: `<{Op}Response>` around the
/// result and `ResponseMetadata`, and `<ErrorResponse>` with `Type`, `Code`,
/// `Message` and the `RequestId` as a sibling of `<Error>` (AWS-ERRORS.md,
/// "Envelope notes").
enum QueryEnvelope {
    /// The XML namespace of a Query service.
    static func namespace(_ service: String) -> String {
        service == "sts" ? "https://sts.amazonaws.com/doc/2011-06-15/" : "http://rds.amazonaws.com/doc/2014-10-31/"
    }

    /// A success document; `result` writes the members of `<{Op}Result>`, nil for operations without one.
    static func success(service: String, operation: String, requestId: String,
                        result: ((inout XMLWriter) -> Void)?) -> String {
        var writer = XMLWriter()
        writer.element("\(operation)Response", attributes: [("xmlns", namespace(service))]) { w in
            if let result { w.element("\(operation)Result", result) }
            w.element("ResponseMetadata") { $0.leaf("RequestId", requestId) }
        }
        return writer.text
    }

    /// An error document.
    static func error(service: String, code: String, message: String, status: Int, requestId: String) -> String {
        var writer = XMLWriter()
        writer.element("ErrorResponse", attributes: [("xmlns", namespace(service))]) { w in
            w.element("Error") { e in
                e.leaf("Type", status >= 500 ? "Receiver" : "Sender")
                e.leaf("Code", code)
                e.leaf("Message", message)
            }
            w.leaf("RequestId", requestId)
        }
        return writer.text
    }
}
