import AWSKit
import Foundation

/// Turns a request into an operation name and flat parameters: the Query form
/// (body and URL query, `Action`/`Version` removed) for RDS and STS, or the
/// `X-Amz-Target` suffix and the top-level JSON members (as strings) for KMS.
enum WireDecoding {
    /// The decoded operation and parameters, or the error reply to send instead.
    enum Outcome {
        case call(String, [String: String])
        case refused(WireReply)
    }

    static func decode(_ request: WireRequest, service: String) -> WireDecoding.Outcome {
        service == "kms" ? decodeJSON(request) : decodeQuery(request, service: service)
    }

    private static func decodeQuery(_ request: WireRequest, service: String) -> WireDecoding.Outcome {
        var params = QueryParameters.parseForm(request.query ?? "")
        let form = QueryParameters.parseForm(String(decoding: request.body, as: UTF8.self))
        params.merge(form) { _, body in body }
        guard let action = params.removeValue(forKey: "Action"), !action.isEmpty else {
            return .refused(WireErrors.query(service, "MissingAction", "Missing Action", status: 400))
        }
        params.removeValue(forKey: "Version")
        return .call(action, params)
    }

    private static func decodeJSON(_ request: WireRequest) -> WireDecoding.Outcome {
        let target = request.header("x-amz-target") ?? ""
        let prefix = "TrentService."
        guard target.hasPrefix(prefix), target.count > prefix.count else {
            return .refused(WireErrors.kms("UnknownOperationException",
                                           "X-Amz-Target '\(target)' is not TrentService.<Operation>", status: 400))
        }
        var params: [String: String] = [:]
        if !request.body.isEmpty {
            guard let object = try? JSONSerialization.jsonObject(with: request.body) as? [String: Any] else {
                return .refused(WireErrors.kms("SerializationException", "request body is not a JSON object", status: 400))
            }
            for (key, value) in object {
                switch value {
                // KMS members snapferry sends are strings and integers (`Limit`).
                case let text as String: params[key] = text
                case let int as Int: params[key] = String(int)
                case let double as Double: params[key] = String(double)
                case let bool as Bool: params[key] = bool ? "true" : "false"
                default: continue
                }
            }
        }
        return .call(String(target.dropFirst(prefix.count)), params)
    }
}
