import Crypto
import Foundation

/// Signs requests with AWS Signature Version 4
/// (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html).
///
/// A value type with no clock and no networking: the signing time is always
/// a parameter, so the same inputs give the same signature. The steps are
/// named after the spec: Task 1 builds the canonical request
/// (`CanonicalRequest`), Task 2 the string to sign, Task 3 the signature from
/// the derived signing key. Task 4 (adding it to the request) is
/// `signHeaders` or `presign`.
public struct SigV4Signer: Sendable {
    /// The algorithm name that starts the string to sign and the `Authorization` value.
    public static let algorithm = "AWS4-HMAC-SHA256"

    /// The key the request is signed with.
    public let credential: AWSCredential
    /// The region in the credential scope, e.g. `eu-west-1`.
    public let region: String
    /// The signing name of the service in the credential scope, e.g. `rds` or `sts`.
    public let service: String

    /// Creates a signer for one credential, region and service.
    public init(credential: AWSCredential, region: String, service: String) {
        self.credential = credential
        self.region = region
        self.service = service
    }

    /// `yyyymmdd/region/service/aws4_request`.
    public func credentialScope(date: Date) -> String {
        credentialScope(SigV4Timestamp(date))
    }

    /// Task 1: the canonical request for `request` signed at `date`, with the
    /// signature in headers (`expires == nil`) or in the query (`expires` seconds).
    public func canonicalRequest(
        _ request: SigV4Request, date: Date, expires: Int? = nil, options: SigV4Options = .init()
    ) -> String {
        prepare(request, timestamp: SigV4Timestamp(date), expires: expires, options: options).canonical.text
    }

    /// Task 2: the string to sign for a canonical request.
    ///
    /// `AWS4-HMAC-SHA256 \n timestamp \n scope \n hex(SHA-256(canonical request))`.
    public func stringToSign(canonicalRequest: String, date: Date) -> String {
        let timestamp = SigV4Timestamp(date)
        return [
            Self.algorithm, timestamp.amzDate, credentialScope(timestamp), Hex.sha256(canonicalRequest),
        ].joined(separator: "\n")
    }

    /// Task 3: the signature, `hex(HMAC(kSigning, stringToSign))`, where
    /// kSigning is derived as
    /// `kDate = HMAC("AWS4" + secret, yyyymmdd)`, `kRegion = HMAC(kDate, region)`,
    /// `kService = HMAC(kRegion, service)`, `kSigning = HMAC(kService, "aws4_request")`.
    public func signature(stringToSign: String, date: Date) -> String {
        let key = signingKey(SigV4Timestamp(date))
        return Hex.encode(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key))
    }

    func credentialScope(_ timestamp: SigV4Timestamp) -> String {
        "\(timestamp.shortDate)/\(region)/\(service)/aws4_request"
    }

    func signingKey(_ timestamp: SigV4Timestamp) -> SymmetricKey {
        let secret = SymmetricKey(data: Array("AWS4\(credential.secretAccessKey)".utf8))
        let dateKey = Hex.hmac(key: secret, timestamp.shortDate)
        let regionKey = Hex.hmac(key: dateKey, region)
        let serviceKey = Hex.hmac(key: regionKey, service)
        return Hex.hmac(key: serviceKey, "aws4_request")
    }

    /// Tasks 1 to 3 in one go for an already prepared request.
    func sign(_ prepared: PreparedRequest, timestamp: SigV4Timestamp) -> String {
        let date = timestamp.date
        let toSign = stringToSign(canonicalRequest: prepared.canonical.text, date: date)
        return signature(stringToSign: toSign, date: date)
    }
}
