import AWSKit
import Foundation
import Logging

/// A fake EC2 instance metadata service behind the `HTTPTransport` protocol. It insists on
/// IMDSv2: every GET without the token it issued gets 401, as the real service does when
/// `HttpTokens=required`.
actor IMDSStub: HTTPTransport {
    struct Seen: Sendable, Equatable {
        var method: String
        var url: String
        var timeout: Duration
    }

    private(set) var requests: [Seen] = []
    var role: String?
    var expiration: String
    var reachable: Bool
    /// When set, the token request gets this status and GETs need no token (an IMDSv1-only instance).
    var tokenStatus: Int?
    private let token = "imds-session-token-1"

    init(role: String? = "snapferry-host", expiration: String = "2025-01-01T06:00:00Z", reachable: Bool = true,
         tokenStatus: Int? = nil) {
        self.role = role; self.expiration = expiration; self.reachable = reachable; self.tokenStatus = tokenStatus
    }

    func execute(_ request: HTTPRequest, timeout: Duration, logger: Logger) async throws -> HTTPResponse {
        requests.append(Seen(method: request.method, url: request.url.absoluteString, timeout: timeout))
        guard reachable else {
            throw AWSError(kind: .timeout, service: "imds", operation: request.method, code: "",
                           message: "no answer within 1 s")
        }
        func header(_ name: String) -> String? {
            request.headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
        }
        let path = request.url.path
        if request.method == "PUT", path == "/latest/api/token" {
            if let tokenStatus { return HTTPResponse(status: tokenStatus) }
            guard header("X-aws-ec2-metadata-token-ttl-seconds") == "21600" else { return HTTPResponse(status: 400) }
            return HTTPResponse(status: 200, body: Data(token.utf8))
        }
        guard request.method == "GET" else { return HTTPResponse(status: 405) }
        guard tokenStatus != nil || header("X-aws-ec2-metadata-token") == token else { return HTTPResponse(status: 401) }
        let base = "/latest/meta-data/iam/security-credentials"
        guard let role else { return HTTPResponse(status: 404) }
        switch path {
        case base, base + "/":
            return HTTPResponse(status: 200, body: Data("\(role)\n".utf8))
        case "\(base)/\(role)":
            let json = """
                {"Code":"Success","LastUpdated":"2025-01-01T00:00:00Z","Type":"AWS-HMAC",\
                "AccessKeyId":"ASIAIMDSEXAMPLE1","SecretAccessKey":"\(TestKeys.secret)",\
                "Token":"\(TestKeys.token)","Expiration":"\(expiration)"}
                """
            return HTTPResponse(status: 200, body: Data(json.utf8))
        default:
            return HTTPResponse(status: 404)
        }
    }
}
