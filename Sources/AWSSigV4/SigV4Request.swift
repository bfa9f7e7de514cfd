import Foundation

/// The parts of an HTTP request that Signature Version 4 covers.
///
/// `path` and `query` are exactly as they go on the request line (already
/// percent-encoded by whoever built the URL); the signer encodes them for the
/// canonical request itself.
public struct SigV4Request: Sendable {
    /// The HTTP method, e.g. `GET` or `POST`.
    public var method: String
    /// The URL scheme used to rebuild a presigned URL.
    public var scheme: String
    /// The path as sent, e.g. `/` or `/my%20bucket/key`.
    public var path: String
    /// The raw query string as sent, without the leading `?`; `nil` or empty when there is none.
    public var query: String?
    /// The headers in the order they are sent. Duplicate names are allowed.
    /// Include `Host`: SigV4 requires it to be signed.
    public var headers: [(name: String, value: String)]
    /// The body, or its precomputed hash.
    public var payload: SigV4Payload

    /// Creates a request from its request-line parts.
    public init(
        method: String, path: String, query: String? = nil,
        headers: [(name: String, value: String)], payload: SigV4Payload = .empty,
        scheme: String = "https"
    ) {
        self.method = method
        self.scheme = scheme
        self.path = path.isEmpty ? "/" : path
        self.query = query
        self.headers = headers
        self.payload = payload
    }

    /// Creates a request for `url`, adding a `Host` header (with the port when
    /// it is not the scheme's default) unless `headers` already has one.
    public init(
        method: String, url: URL, headers: [(name: String, value: String)] = [],
        payload: SigV4Payload = .empty
    ) {
        let components = URLComponents(url: url, resolvingAgainstBaseURL: false)
        let scheme = components?.scheme ?? "https"
        var headers = headers
        if !headers.contains(where: { $0.name.lowercased() == "host" }),
            let host = components?.percentEncodedHost, !host.isEmpty
        {
            let defaultPort = scheme == "http" ? 80 : 443
            let port = components?.port.flatMap { $0 == defaultPort ? nil : $0 }
            headers.insert((name: "Host", value: port.map { "\(host):\($0)" } ?? host), at: 0)
        }
        self.init(
            method: method, path: components?.percentEncodedPath ?? "/",
            query: components?.percentEncodedQuery, headers: headers, payload: payload,
            scheme: scheme)
    }

    /// The first value of the header `name` (compared case-insensitively).
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }
}
