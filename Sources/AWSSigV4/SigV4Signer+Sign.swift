import Foundation

extension SigV4Signer {
    /// Task 4 with the signature in headers.
    ///
    /// - Returns: the request's headers followed by `X-Amz-Security-Token`
    ///   (temporary credentials), `X-Amz-Date`, `x-amz-content-sha256` (when
    ///   `options.signBody`) and `Authorization`. Existing `Authorization` and
    ///   `X-Amz-Date` headers are replaced.
    public func signHeaders(
        _ request: SigV4Request, date: Date, options: SigV4Options = .init()
    ) -> [(name: String, value: String)] {
        let timestamp = SigV4Timestamp(date)
        let prepared = prepare(request, timestamp: timestamp, expires: nil, options: options)
        let signature = sign(prepared, timestamp: timestamp)
        let authorization = "\(Self.algorithm) Credential=\(credential.accessKeyId)/\(credentialScope(timestamp)), "
            + "SignedHeaders=\(prepared.canonical.signedHeaders), Signature=\(signature)"
        return prepared.headers.filter { $0.name.lowercased() != "authorization" }
            + [(name: "Authorization", value: authorization)]
    }

    /// Task 4 with the signature in the query string.
    ///
    /// - Returns: the raw query to send, without `?`: the request's own query
    ///   followed by `X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Date`,
    ///   `X-Amz-SignedHeaders`, `X-Amz-Expires`, `X-Amz-Security-Token`
    ///   (temporary credentials) and `X-Amz-Signature`.
    public func presignedQuery(
        _ request: SigV4Request, expires: Int, date: Date, options: SigV4Options = .init()
    ) -> String {
        let timestamp = SigV4Timestamp(date)
        let prepared = prepare(request, timestamp: timestamp, expires: expires, options: options)
        let signature = sign(prepared, timestamp: timestamp)
        let added = (prepared.addedQuery + [("X-Amz-Signature", signature)]).map { "\($0.name)=\($0.value)" }
        let own = (request.query ?? "").isEmpty ? [] : [request.query ?? ""]
        return (own + added).joined(separator: "&")
    }

    /// A presigned URL valid for `expires` seconds from `date`: the request's
    /// scheme, `Host` header and path, with `presignedQuery` as its query.
    /// The request's headers other than `Host` must be sent with it unchanged.
    ///
    /// - Throws: `SigV4Error` when the request has no `Host` header or its path
    ///   is not percent-encoded.
    public func presign(
        _ request: SigV4Request, expires: Int, date: Date, options: SigV4Options = .init()
    ) throws(SigV4Error) -> URL {
        guard let host = request.header("host") else { throw .missingHost }
        let query = presignedQuery(request, expires: expires, date: date, options: options)
        let text = "\(request.scheme)://\(host)\(request.path)?\(query)"
        // Foundation may quietly percent-encode invalid characters; that would
        // send a different path than the one signed, so refuse instead.
        guard let url = URL(string: text), url.host != nil, url.absoluteString == text else {
            throw .invalidURL(text)
        }
        return url
    }
}
