/// Why a SigV4 value could not be parsed or a presigned URL could not be built.
///
/// `description` says what is wrong and what to change.
public struct SigV4Error: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Sendable, Hashable {
        case malformedAuthorization(String)
        case missingHost
        case invalidURL(String)
    }

    private let code: Code

    private init(_ code: Code) { self.code = code }

    /// The `Authorization` header is not a well-formed `AWS4-HMAC-SHA256` value.
    public static func malformedAuthorization(_ reason: String) -> SigV4Error {
        SigV4Error(.malformedAuthorization(reason))
    }

    /// A presigned URL was requested for a request without a `Host` header.
    public static let missingHost = SigV4Error(.missingHost)

    /// The presigned URL's parts do not form a valid URL.
    public static func invalidURL(_ text: String) -> SigV4Error { SigV4Error(.invalidURL(text)) }

    /// A message for the operator.
    public var description: String {
        switch code {
        case .malformedAuthorization(let reason):
            return "malformed Authorization header: \(reason); expected "
                + "'AWS4-HMAC-SHA256 Credential=KEY/yyyymmdd/region/service/aws4_request, "
                + "SignedHeaders=h1;h2, Signature=<64 hex digits>'"
        case .missingHost:
            return "cannot presign a request without a Host header; build the request from a URL "
                + "or add a 'Host' header"
        case .invalidURL(let text):
            return "presigned URL '\(text)' is not a valid URL; percent-encode the request path and query"
        }
    }
}
