/// The outcome of checking an incoming request's signature.
public enum SigV4Verification: Sendable, Hashable {
    /// The signature matches the request and the secret.
    case ok
    /// The signature does not match. Carries what the server computed, which
    /// AWS echoes back in `SignatureDoesNotMatch` errors to help debugging.
    case signatureMismatch(canonicalRequest: String, stringToSign: String)
    /// The request is signed too far from the server's time, or a presigned
    /// URL has expired (AWS: `RequestExpired` / `RequestTimeTooSkewed`).
    case expired(reason: String)
    /// The request lacks or garbles something needed to check it
    /// (AWS: `IncompleteSignature` / `AuthorizationQueryParametersError`).
    case malformed(reason: String)
}
