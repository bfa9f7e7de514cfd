import AWSSimulator
import Foundation

/// An HTTP request as the simulator needs it, independent of the HTTP server.
struct WireRequest: Sendable {
    /// `GET`, `POST`, …
    var method: String
    /// The path as sent (percent-encoded), e.g. `/`.
    var path: String
    /// The raw query string without `?`, if any.
    var query: String?
    /// Every header, `Host` included.
    var headers: [(name: String, value: String)]
    /// The body bytes.
    var body: Data

    /// The first value of a header (case-insensitive name).
    func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }
}

/// What to send back: a complete response plus the fault effects to act out.
struct WireReply: Sendable {
    /// HTTP status.
    var status: Int
    /// Response headers (Content-Type, x-amzn-RequestId, …).
    var headers: [(name: String, value: String)]
    /// The full body (the server cuts it for `.truncate`).
    var body: Data
    /// Sleep this long (real time) before answering.
    var latency: Duration = .zero
    /// Close without answering, or cut the body short.
    var fault: SimTransportFault?

    /// A JSON reply for the admin endpoints.
    static func json(_ status: Int, _ object: [String: Any]) -> WireReply {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data("{}".utf8)
        return WireReply(status: status, headers: [(name: "Content-Type", value: "application/json")], body: data)
    }

    /// A JSON `{"error": message}` reply.
    static func jsonError(_ status: Int, _ message: String) -> WireReply { json(status, ["error": message]) }
}
