import Foundation
import Logging

/// One HTTP request as the AWS client sends it. Headers keep their order.
public struct HTTPRequest: Sendable {
    /// `GET`, `POST`, `PUT`.
    public var method: String
    /// Full URL.
    public var url: URL
    /// Headers in order.
    public var headers: [(name: String, value: String)]
    /// Body bytes.
    public var body: Data
    /// Creates a request.
    public init(method: String, url: URL, headers: [(name: String, value: String)] = [], body: Data = Data()) {
        self.method = method; self.url = url; self.headers = headers; self.body = body
    }
}

/// One HTTP response.
public struct HTTPResponse: Sendable {
    /// Status code.
    public var status: Int
    /// Headers in order.
    public var headers: [(name: String, value: String)]
    /// Body bytes.
    public var body: Data
    /// Creates a response.
    public init(status: Int, headers: [(name: String, value: String)] = [], body: Data = Data()) {
        self.status = status; self.headers = headers; self.body = body
    }
    /// First header with this name, case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

/// Sends HTTP requests. The live implementation pools connections; tests use
/// in-process servers or stubs. Implementations never log bodies or headers
/// (they carry signatures and session tokens).
public protocol HTTPTransport: Sendable {
    /// Sends `request` and returns the response, whatever its status. Throws
    /// `AWSError` of kind `.transport` (no connection, reset) or `.timeout`.
    func execute(_ request: HTTPRequest, timeout: Duration, logger: Logger) async throws -> HTTPResponse
}
