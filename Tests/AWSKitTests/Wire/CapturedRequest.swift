import AWSKit
import Foundation

/// What one recorded request says on the wire: service, operation and the
/// parameter names (with values) it sends, as `check_botocore_params.py` reads them.
struct CapturedRequest: Sendable {
    /// `rds`, `sts`, `kms`, `ec2` (from the SigV4 credential scope).
    var service: String
    /// `Action` (Query) or the operation part of `X-Amz-Target` (JSON 1.1).
    var operation: String
    /// The JSON object of this request for the checker: service, operation, protocol,
    /// `version` (Query) or `targetPrefix` (JSON 1.1), and `params` (name → value).
    var checkerEntry: Data

    /// Reads a captured request; throws when it is not a recognisable SigV4-signed AWS call.
    static func parse(_ request: HTTPRequest) throws -> CapturedRequest {
        func header(_ name: String) -> String? {
            request.headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
        }
        // Credential=AKID/20261129/eu-west-1/rds/aws4_request
        guard let authorization = header("Authorization"),
              let credential = authorization.components(separatedBy: "Credential=").dropFirst().first?
                .split(separator: ",").first else {
            throw CaptureError(message: "request to \(request.url) has no SigV4 Authorization credential scope")
        }
        let scope = credential.split(separator: "/")
        guard scope.count == 5 else { throw CaptureError(message: "unexpected credential scope \(credential)") }
        let service = String(scope[3])
        var entry: [String: Any] = ["service": service]
        if let target = header("X-Amz-Target") {
            let parts = target.split(separator: ".", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw CaptureError(message: "X-Amz-Target \(target) has no operation") }
            let body: Any = request.body.isEmpty ? [String: Any]() : try JSONSerialization.jsonObject(with: request.body)
            guard let object = body as? [String: Any] else {
                throw CaptureError(message: "\(target) body is not a JSON object")
            }
            entry["operation"] = parts[1]; entry["protocol"] = "json"; entry["targetPrefix"] = parts[0]
            entry["params"] = object
        } else {
            var form = QueryParameters.parseForm(String(decoding: request.body, as: UTF8.self))
            guard let action = form.removeValue(forKey: "Action") else {
                throw CaptureError(message: "Query request to \(request.url) has no Action")
            }
            let version = form.removeValue(forKey: "Version")
            entry["operation"] = action; entry["protocol"] = service == "ec2" ? "ec2" : "query"; entry["params"] = form
            if let version { entry["version"] = version }
        }
        guard let operation = entry["operation"] as? String else { throw CaptureError(message: "no operation") }
        return CapturedRequest(service: service, operation: operation,
                               checkerEntry: try JSONSerialization.data(withJSONObject: entry, options: [.sortedKeys]))
    }

    /// The checker's stdin: a JSON array of every entry.
    static func checkerInput(_ requests: [CapturedRequest]) -> Data {
        var out = Data("[".utf8)
        for (i, request) in requests.enumerated() {
            if i > 0 { out.append(Data(",\n".utf8)) }
            out.append(request.checkerEntry)
        }
        out.append(Data("]".utf8))
        return out
    }
}

/// A captured request that cannot be read as an AWS call.
struct CaptureError: Error, CustomStringConvertible {
    /// What is wrong with it.
    var message: String
    /// Description.
    var description: String { message }
}
