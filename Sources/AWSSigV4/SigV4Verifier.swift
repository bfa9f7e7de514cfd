import Foundation

/// Checks the signature of an incoming request, as an AWS endpoint would.
///
/// It recomputes Tasks 1 to 3 from what arrived on the wire (only the headers
/// the client says it signed) and compares signatures in constant time.
/// It does not look up keys or check session tokens: the caller finds the
/// secret for `SigV4Authorization.accessKeyId` and judges the token.
public struct SigV4Verifier: Sendable {
    /// Path handling of the service being simulated (defaults suit all but S3);
    /// `omitSessionToken` leaves `X-Amz-Security-Token` out of a presigned
    /// query's canonical form. `signBody` is not used.
    public var options: SigV4Options
    /// How far the signing time may be from `now` (AWS allows 15 minutes).
    public var allowedClockSkew: TimeInterval

    /// Creates a verifier.
    public init(options: SigV4Options = .init(), allowedClockSkew: TimeInterval = 900) {
        self.options = options
        self.allowedClockSkew = allowedClockSkew
    }

    /// Verifies a request signed in its `Authorization` header.
    ///
    /// - Parameters:
    ///   - request: the request as received (path and query raw, all headers
    ///     including `X-Amz-Date`, and the body bytes).
    ///   - authorization: the parsed `Authorization` header.
    ///   - secretAccessKey: the secret of `authorization.accessKeyId`.
    ///   - now: the server's time; `nil` skips the clock-skew check.
    public func verify(
        _ request: SigV4Request, authorization: SigV4Authorization, secretAccessKey: String, now: Date? = nil
    ) -> SigV4Verification {
        guard let amzDate = request.header("x-amz-date") else {
            return .malformed(reason: "missing X-Amz-Date header; send the signing time as yyyyMMdd'T'HHmmss'Z'")
        }
        // A body hash the client declared as unsigned/streamed is taken as is;
        // otherwise the real body is hashed, so a tampered body cannot match.
        var payloadHash = request.payload.hashedValue
        if let declared = request.header("x-amz-content-sha256"),
            declared == "UNSIGNED-PAYLOAD" || declared.hasPrefix("STREAMING-")
        {
            payloadHash = declared
        }
        return check(
            request, authorization: authorization, amzDate: amzDate, queryItems: CanonicalRequest.queryItems(request.query),
            payloadHash: payloadHash, secretAccessKey: secretAccessKey,
            window: now.map { ($0, allowedClockSkew, allowedClockSkew) })
    }

    /// Verifies a presigned (query-string) request.
    ///
    /// Get `authorization` from `SigV4Authorization(presignedQuery:)` to find
    /// the secret. The payload hash is `request.payload` (`.unsigned` for S3).
    /// - Parameter now: the server's time; `nil` skips the expiry check.
    public func verifyPresigned(
        _ request: SigV4Request, secretAccessKey: String, now: Date? = nil
    ) -> SigV4Verification {
        let fields: SigV4Authorization.PresignedFields
        do {
            fields = try SigV4Authorization.presignedFields(request.query ?? "")
        } catch {
            return .malformed(reason: error.description)
        }
        guard let expires = Int(fields.expires), (1...604_800).contains(expires) else {
            return .malformed(reason: "X-Amz-Expires '\(fields.expires)' must be a number of seconds from 1 to 604800")
        }
        // The signature never signs itself; with `omitSessionToken` the token
        // was appended after signing, as the signer does.
        var unsigned: Set<String> = ["X-Amz-Signature"]
        if options.omitSessionToken { unsigned.insert("X-Amz-Security-Token") }
        let queryItems = CanonicalRequest.queryItems(request.query).filter {
            !unsigned.contains(String(decoding: URIEncoding.decode($0.name), as: UTF8.self))
        }
        return check(
            request, authorization: fields.authorization, amzDate: fields.amzDate, queryItems: queryItems,
            payloadHash: request.payload.hashedValue, secretAccessKey: secretAccessKey,
            window: now.map { ($0, allowedClockSkew, TimeInterval(expires)) })
    }

    /// The shared part: validate the scope, rebuild Tasks 1 to 3, compare.
    /// `window` is (now, allowed seconds before the signing time, allowed seconds after).
    private func check(
        _ request: SigV4Request, authorization: SigV4Authorization, amzDate: String,
        queryItems: [(name: String, value: String)], payloadHash: String, secretAccessKey: String,
        window: (Date, TimeInterval, TimeInterval)?
    ) -> SigV4Verification {
        guard let timestamp = SigV4Timestamp(amzDate: amzDate) else {
            return .malformed(reason: "X-Amz-Date '\(amzDate)' is not yyyyMMdd'T'HHmmss'Z'")
        }
        guard timestamp.shortDate == authorization.date else {
            return .malformed(
                reason: "credential scope date \(authorization.date) does not match X-Amz-Date \(amzDate)")
        }
        let signedNames = Set(authorization.signedHeaders)
        guard signedNames.contains("host") else {
            return .malformed(reason: "the host header must be signed; add 'host' to SignedHeaders")
        }
        let headers = request.headers.filter { signedNames.contains($0.name.lowercased()) }
        let present = Set(headers.map { $0.name.lowercased() })
        if let missing = authorization.signedHeaders.first(where: { !present.contains($0) }) {
            return .malformed(reason: "signed header '\(missing)' is not in the request")
        }
        if case let (now, before, after)? = window {
            let offset = now.timeIntervalSince(timestamp.date)
            if offset > after || -offset > before {
                return .expired(
                    reason: "signed at \(amzDate), which is outside the allowed window around the server time "
                        + "(\(Int(before)) s before, \(Int(after)) s after); sign with the current time")
            }
        }
        let canonical = CanonicalRequest(
            method: request.method, path: request.path, queryItems: queryItems, headers: headers,
            payloadHash: payloadHash, options: options)
        let signer = SigV4Signer(
            credential: AWSCredential(accessKeyId: authorization.accessKeyId, secretAccessKey: secretAccessKey),
            region: authorization.region, service: authorization.service)
        let stringToSign = signer.stringToSign(canonicalRequest: canonical.text, date: timestamp.date)
        let expected = signer.signature(stringToSign: stringToSign, date: timestamp.date)
        guard Hex.constantTimeEqual(expected, authorization.signature) else {
            return .signatureMismatch(canonicalRequest: canonical.text, stringToSign: stringToSign)
        }
        return .ok
    }
}
