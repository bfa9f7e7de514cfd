import Foundation

extension AWSClient {
    /// An AWS Query call (RDS, STS, EC2): returns the `<ActionResult>` element (or the
    /// response root for operations without one, such as AddTagsToResource, and for every EC2 answer).
    /// `signed: false` for operations AWS accepts without a signature (AssumeRoleWithWebIdentity).
    public func query(_ service: AWSService, action: String, _ params: QueryParameters, signed: Bool = true) async throws -> XMLNode {
        guard case .query(let version, _) = service.wireProtocol else {
            preconditionFailure("\(service.id) is not a Query service")
        }
        let body = Data(params.formEncoded(action: action, version: version).utf8)
        return try await send(service, operation: action, body: body,
                              headers: [(name: "Content-Type", value: "application/x-www-form-urlencoded; charset=utf-8")],
                              signed: signed) { response in
            let root: XMLNode
            do {
                root = try XMLNode.parse(response.body)
            } catch {
                throw AWSError(kind: .malformedResponse, service: service.id, operation: action, code: "",
                               message: "\(error) (\(response.body.count) bytes)", httpStatus: response.status,
                               requestId: response.header("x-amzn-RequestId"))
            }
            return root.child("\(action)Result") ?? root
        }
    }

    /// A JSON 1.1 call (KMS): returns the decoded JSON object.
    public func json(_ service: AWSService, operation: String, _ payload: [String: any Sendable]) async throws -> JSONObject {
        guard case .json11(let prefix) = service.wireProtocol else {
            preconditionFailure("\(service.id) is not a JSON 1.1 service")
        }
        let body = try JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys])
        return try await send(service, operation: operation, body: body, headers: [
            (name: "Content-Type", value: "application/x-amz-json-1.1"),
            (name: "X-Amz-Target", value: "\(prefix).\(operation)"),
        ]) { response in
            if response.body.isEmpty { return JSONObject([:]) }
            guard let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any] else {
                throw AWSError(kind: .malformedResponse, service: service.id, operation: operation, code: "",
                               message: "response is not a JSON object (\(response.body.count) bytes)",
                               httpStatus: response.status, requestId: response.header("x-amzn-RequestId"))
            }
            return JSONObject(object)
        }
    }
}

/// A decoded JSON object handed across the retry loop. `@unchecked`: it is
/// built once from `JSONSerialization` output and only read afterwards.
public struct JSONObject: @unchecked Sendable {
    /// The members.
    public let members: [String: Any]
    init(_ members: [String: Any]) { self.members = members }
    /// A member.
    public subscript(key: String) -> Any? { members[key] }
}

extension AWSService {
    /// Turns a non-2xx response into an `AWSError`, whatever shape the body has.
    func parseError(_ response: HTTPResponse, operation: String) -> AWSError {
        var headerMap: [String: String] = [:]
        for (name, value) in response.headers { headerMap[name.lowercased()] = value }
        let retryAfter = retryAfterHint(headers: headerMap)
        var requestId = response.header("x-amzn-RequestId") ?? response.header("x-amz-request-id")
        var code = "", message = ""
        switch wireProtocol {
        case .query:
            // `<ErrorResponse><Error>…</Error><RequestId>` (RDS, STS) or EC2's `<Response><Errors><Error>…</Error></Errors><RequestID>`.
            if let root = try? XMLNode.parse(response.body), let error = root.find("Error") {
                code = error.string("Code") ?? ""
                message = error.string("Message") ?? ""
                requestId = requestId ?? root.string("RequestId") ?? root.string("RequestID")
            }
        case .json11:
            if let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any] {
                let type = (object["__type"] as? String) ?? response.header("X-Amzn-ErrorType") ?? ""
                // `com.amazonaws.kms#NotFoundException` or `NotFoundException:http://…`
                code = String(type.split(separator: "#").last ?? "").components(separatedBy: ":").first ?? ""
                message = (object["message"] as? String) ?? (object["Message"] as? String) ?? ""
            }
        }
        if code.isEmpty {
            code = response.status >= 500 ? "InternalFailure" : (response.status == 429 ? "TooManyRequestsException" : "UnknownError")
            message = message.isEmpty ? "HTTP \(response.status) with an unreadable body (\(response.body.count) bytes)" : message
        }
        return AWSError(kind: .service, service: id, operation: operation, code: code, message: message,
                        httpStatus: response.status, requestId: requestId, retryAfter: retryAfter)
    }
}
