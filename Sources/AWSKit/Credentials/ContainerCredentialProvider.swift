import AWSSigV4
import Foundation
import Logging

/// Credentials from a container credentials endpoint: ECS task roles, EKS Pod Identity, and
/// anything that serves the same JSON (`AccessKeyId`, `SecretAccessKey`, `Token`, `Expiration`).
///
/// `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` is a path on `http://169.254.170.2`;
/// `AWS_CONTAINER_CREDENTIALS_FULL_URI` a whole URL, which over plain HTTP must be a loopback
/// address or one of the ECS/EKS agent addresses (so a token is never sent in clear to another
/// host). `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` (read at every refresh, EKS rotates it) or
/// `AWS_CONTAINER_AUTHORIZATION_TOKEN` goes in the `Authorization` header. As in botocore: a
/// 2-second timeout and 3 attempts one second apart.
public struct ContainerCredentialProvider: CredentialProvider {
    /// Where `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` paths are fetched from.
    public static let ecsAgent = "http://169.254.170.2"
    /// Plain-HTTP hosts allowed besides loopback addresses.
    static let allowedHTTPHosts: Set<String> = ["169.254.170.2", "169.254.170.23", "fd00:ec2::23", "[fd00:ec2::23]", "localhost"]

    /// The URL asked, or `nil` when neither variable is set.
    public let url: String?
    private let environment: [String: String]
    private let transport: any HTTPTransport
    private let readFile: @Sendable (String) -> String?
    private let attempts: Int
    private let pause: Duration

    /// Creates the provider from the variables in `environment`.
    public init(environment: [String: String], transport: any HTTPTransport,
                readFile: @escaping @Sendable (String) -> String? = SharedConfigFiles.readFromDisk,
                attempts: Int = 3, pause: Duration = .seconds(1)) {
        if let relative = environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] {
            url = Self.ecsAgent + relative
        } else {
            url = environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"]
        }
        self.environment = environment; self.transport = transport; self.readFile = readFile
        self.attempts = max(1, attempts); self.pause = pause
    }

    /// True when one of the variables is set (then failures are errors, not "not found").
    public var isConfigured: Bool { url != nil }

    public func credential(logger: Logger) async throws -> ExpiringCredential {
        guard let text = url else {
            throw AWSError.credentialsNotFound("container", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and _FULL_URI are not set")
        }
        guard let url = URL(string: text), let host = url.host, let scheme = url.scheme?.lowercased(),
              scheme == "http" || scheme == "https" else {
            throw fail("the container credentials URL \"\(text)\" is not an http(s) URL")
        }
        if scheme == "http", !Self.isLoopback(host), !Self.allowedHTTPHosts.contains(host) {
            throw fail("the container credentials URL \(text) is plain HTTP to \(host): use https, a loopback address, "
                + "or one of \(Self.allowedHTTPHosts.sorted().joined(separator: ", "))")
        }
        var headers: [(name: String, value: String)] = [(name: "Accept", value: "application/json")]
        if let token = try authorizationToken() { headers.append((name: "Authorization", value: token)) }

        var lastProblem = ""
        for attempt in 1...attempts {
            if attempt > 1 { try await Task.sleep(for: pause) }
            let response: HTTPResponse
            do {
                response = try await transport.execute(HTTPRequest(method: "GET", url: url, headers: headers),
                                                       timeout: .seconds(2), logger: logger)
            } catch let error as AWSError where error.kind == .transport || error.kind == .timeout {
                lastProblem = error.message
                continue
            }
            guard response.status == 200 else {
                lastProblem = "HTTP \(response.status)"
                continue
            }
            guard let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any] else {
                lastProblem = "the answer is not a JSON object"
                continue
            }
            return try parse(object, url: text)
        }
        throw fail("no credentials from \(text) after \(attempts) attempts (\(lastProblem)): check the task role or "
            + "pod identity association, and the authorization token")
    }

    private func authorizationToken() throws -> String? {
        var token: String?
        if let file = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] {
            guard let text = readFile(file) else {
                throw fail("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \(file) cannot be read")
            }
            token = text
        } else {
            token = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
        }
        if let token, token.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) {
            throw fail("the container authorization token contains a line break, which is not a legal header value")
        }
        return token
    }

    private func parse(_ object: [String: Any], url: String) throws -> ExpiringCredential {
        do {
            return try ExpiringCredential.decode(object, tokenKey: "Token", source: "container credentials (\(url))")
        } catch {
            throw fail("\(url) answered \(error.reason)")
        }
    }

    static func isLoopback(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if bare == "::1" { return true }
        let parts = bare.split(separator: ".")
        return parts.count == 4 && parts.allSatisfy { UInt8($0) != nil } && parts.first == "127"
    }

    private func fail(_ message: String) -> AWSError {
        AWSError.credentials("container", code: "ContainerCredentialsFailed", message)
    }
}
