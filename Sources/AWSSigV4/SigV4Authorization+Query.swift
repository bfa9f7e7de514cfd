extension SigV4Authorization {
    /// The query parameters a presigned URL carries, decoded.
    struct PresignedFields: Sendable {
        let authorization: SigV4Authorization
        let amzDate: String
        let expires: String
    }

    /// Reads `X-Amz-Credential`, `X-Amz-SignedHeaders` and `X-Amz-Signature`
    /// from a presigned request's raw query, so a server can look up the
    /// secret for `accessKeyId` before verifying.
    ///
    /// - Throws: `SigV4Error` naming the parameter that is missing or malformed.
    public init(presignedQuery rawQuery: String) throws(SigV4Error) {
        self = try Self.presignedFields(rawQuery).authorization
    }

    static func presignedFields(_ rawQuery: String) throws(SigV4Error) -> PresignedFields {
        var values: [String: String] = [:]
        for item in CanonicalRequest.queryItems(rawQuery) {
            let name = String(decoding: URIEncoding.decode(item.name), as: UTF8.self)
            values[name] = String(decoding: URIEncoding.decode(item.value), as: UTF8.self)
        }
        func required(_ name: String) throws(SigV4Error) -> String {
            guard let value = values[name], !value.isEmpty else {
                throw .malformedAuthorization("presigned query lacks \(name)")
            }
            return value
        }
        let algorithm = try required("X-Amz-Algorithm")
        guard algorithm == SigV4Signer.algorithm else {
            throw .malformedAuthorization(
                "unsupported X-Amz-Algorithm '\(algorithm)', only \(SigV4Signer.algorithm) is accepted")
        }
        let scope = try parseCredential(try required("X-Amz-Credential"))
        let signedHeaders = try required("X-Amz-SignedHeaders")
        let names = signedHeaders.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        guard names.allSatisfy({ !$0.isEmpty && $0 == $0.lowercased() }) else {
            throw .malformedAuthorization(
                "X-Amz-SignedHeaders '\(signedHeaders)' must be lowercase names separated by ';'")
        }
        let signature = try required("X-Amz-Signature")
        guard Hex.isSHA256(signature) else {
            throw .malformedAuthorization("X-Amz-Signature must be 64 lowercase hex digits")
        }
        let authorization = SigV4Authorization(
            accessKeyId: scope.0, date: scope.1, region: scope.2, service: scope.3,
            signedHeaders: names, signature: signature)
        return PresignedFields(
            authorization: authorization, amzDate: try required("X-Amz-Date"), expires: try required("X-Amz-Expires"))
    }
}
