/// Switches that vary between AWS services when signing or verifying.
///
/// The defaults suit every service snapferry talks to (RDS, STS, KMS).
/// S3 would use `normalizePath: false, uriEncodePath: false`.
public struct SigV4Options: Sendable, Hashable {
    /// Remove `.` and `..` segments and collapse `//` before signing the path.
    public var normalizePath: Bool
    /// Add an `x-amz-content-sha256` header with the payload hash (header signing only).
    public var signBody: Bool
    /// Leave the session token out of the signature but still send it
    /// (some services, e.g. IoT, want the token added after signing).
    public var omitSessionToken: Bool
    /// URI-encode the path as sent once more for the canonical request.
    /// AWS calls this "double encoding"; every service except S3 expects it.
    public var uriEncodePath: Bool

    /// Creates options; the defaults match the AWS test suite's default context.
    public init(
        normalizePath: Bool = true, signBody: Bool = false,
        omitSessionToken: Bool = false, uriEncodePath: Bool = true
    ) {
        self.normalizePath = normalizePath
        self.signBody = signBody
        self.omitSessionToken = omitSessionToken
        self.uriEncodePath = uriEncodePath
    }
}
