/// A request with the signing headers or query parameters added and its
/// canonical request (Task 1) built; only the signature is missing.
struct PreparedRequest: Sendable {
    /// The canonical request that will be signed.
    let canonical: CanonicalRequest
    /// Headers to send before `Authorization` (header signing), in order.
    let headers: [(name: String, value: String)]
    /// Already-encoded query parameters to append after the request's own,
    /// before `X-Amz-Signature` (query signing), in the order AWS SDKs use.
    let addedQuery: [(name: String, value: String)]
}

extension SigV4Signer {
    /// Headers that proxies and HTTP stacks rewrite, so signing them would
    /// break the signature (the AWS SDKs skip them too).
    static let unsignedHeaders: Set<String> = [
        "authorization", "user-agent", "x-amzn-trace-id", "expect", "transfer-encoding",
    ]

    /// Task 1 for header signing (`expires == nil`) or query signing.
    func prepare(
        _ request: SigV4Request, timestamp: SigV4Timestamp, expires: Int?, options: SigV4Options
    ) -> PreparedRequest {
        let token = credential.sessionToken
        let omitted: Set<String> = options.omitSessionToken ? ["x-amz-security-token"] : []
        func signable(_ headers: [(name: String, value: String)]) -> [(name: String, value: String)] {
            headers.filter {
                let name = $0.name.lowercased()
                return !Self.unsignedHeaders.contains(name) && !omitted.contains(name)
            }
        }
        let payloadHash = request.payload.hashedValue
        let queryItems = CanonicalRequest.queryItems(request.query)

        guard let expires else {
            // Header signing: the values we add replace any the caller set.
            var replaced: Set<String> = ["x-amz-date"]
            if token != nil { replaced.insert("x-amz-security-token") }
            if options.signBody { replaced.insert("x-amz-content-sha256") }
            var headers = request.headers.filter { !replaced.contains($0.name.lowercased()) }
            if let token { headers.append((name: "X-Amz-Security-Token", value: token)) }
            headers.append((name: "X-Amz-Date", value: timestamp.amzDate))
            if options.signBody { headers.append((name: "x-amz-content-sha256", value: payloadHash)) }
            let canonical = CanonicalRequest(
                method: request.method, path: request.path, queryItems: queryItems,
                headers: signable(headers), payloadHash: payloadHash, options: options)
            return PreparedRequest(canonical: canonical, headers: headers, addedQuery: [])
        }

        // Query signing: the headers go unchanged; the signing values become parameters.
        let signedHeaders = CanonicalRequest.canonicalHeaders(signable(request.headers)).1
        var added: [(name: String, value: String)] = [
            ("X-Amz-Algorithm", Self.algorithm),
            ("X-Amz-Credential", URIEncoding.encode("\(credential.accessKeyId)/\(credentialScope(timestamp))")),
            ("X-Amz-Date", timestamp.amzDate),
            ("X-Amz-SignedHeaders", URIEncoding.encode(signedHeaders)),
            ("X-Amz-Expires", String(expires)),
        ]
        if let token { added.append(("X-Amz-Security-Token", URIEncoding.encode(token))) }
        let signedQuery = queryItems + added.filter { !(options.omitSessionToken && $0.name == "X-Amz-Security-Token") }
        let canonical = CanonicalRequest(
            method: request.method, path: request.path, queryItems: signedQuery,
            headers: signable(request.headers), payloadHash: payloadHash, options: options)
        return PreparedRequest(canonical: canonical, headers: request.headers, addedQuery: added)
    }
}
