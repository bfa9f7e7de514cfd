/// The parts of an `Authorization: AWS4-HMAC-SHA256 ...` header, for a
/// server (the AWS simulator) that verifies incoming requests.
public struct SigV4Authorization: Sendable, Hashable {
    /// The access key id from `Credential=`.
    public var accessKeyId: String
    /// The scope date, `yyyymmdd`.
    public var date: String
    /// The scope region.
    public var region: String
    /// The scope service signing name.
    public var service: String
    /// The lowercase signed header names, in the order given (SigV4 sorts them).
    public var signedHeaders: [String]
    /// The 64-hex-digit signature.
    public var signature: String

    /// Creates a value from its parts.
    public init(
        accessKeyId: String, date: String, region: String, service: String,
        signedHeaders: [String], signature: String
    ) {
        self.accessKeyId = accessKeyId
        self.date = date
        self.region = region
        self.service = service
        self.signedHeaders = signedHeaders
        self.signature = signature
    }

    /// Parses an `Authorization` header value such as
    /// `AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=5d67...`.
    ///
    /// - Throws: `SigV4Error` naming the first part that is missing or malformed.
    public init(parsing authorizationHeader: String) throws(SigV4Error) {
        let header = authorizationHeader.trimmingSpaces
        let prefix = SigV4Signer.algorithm + " "
        guard header.hasPrefix(prefix) else {
            let found = header.split(separator: " ").first.map(String.init) ?? ""
            throw .malformedAuthorization("unsupported algorithm '\(found)', only \(SigV4Signer.algorithm) is accepted")
        }
        var fields: [String: String] = [:]
        for part in header.dropFirst(prefix.count).split(separator: ",") {
            let part = String(part).trimmingSpaces
            guard let equals = part.firstIndex(of: "=") else {
                throw .malformedAuthorization("component '\(part)' has no '='")
            }
            let key = String(part[..<equals])
            guard fields[key] == nil else { throw .malformedAuthorization("component '\(key)' appears twice") }
            fields[key] = String(part[part.index(after: equals)...])
        }
        guard let credential = fields["Credential"] else { throw .malformedAuthorization("missing Credential") }
        guard let signedHeaders = fields["SignedHeaders"] else { throw .malformedAuthorization("missing SignedHeaders") }
        guard let signature = fields["Signature"] else { throw .malformedAuthorization("missing Signature") }
        let scope = try Self.parseCredential(credential)
        let names = signedHeaders.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        guard !signedHeaders.isEmpty, names.allSatisfy({ !$0.isEmpty && $0 == $0.lowercased() }) else {
            throw .malformedAuthorization("SignedHeaders '\(signedHeaders)' must be lowercase names separated by ';'")
        }
        guard Hex.isSHA256(signature) else {
            throw .malformedAuthorization("Signature must be 64 lowercase hex digits")
        }
        self.init(
            accessKeyId: scope.0, date: scope.1, region: scope.2, service: scope.3,
            signedHeaders: names, signature: signature)
    }

    /// Splits `KEY/yyyymmdd/region/service/aws4_request`.
    static func parseCredential(_ credential: String) throws(SigV4Error) -> (String, String, String, String) {
        let parts = credential.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 5, parts.allSatisfy({ !$0.isEmpty }) else {
            throw .malformedAuthorization(
                "Credential '\(credential)' must have 5 parts: KEY/yyyymmdd/region/service/aws4_request")
        }
        guard parts[4] == "aws4_request" else {
            throw .malformedAuthorization("Credential scope must end in 'aws4_request', not '\(parts[4])'")
        }
        guard parts[1].utf8.count == 8, parts[1].utf8.allSatisfy({ (48...57).contains($0) }) else {
            throw .malformedAuthorization("Credential date '\(parts[1])' must be yyyymmdd")
        }
        return (parts[0], parts[1], parts[2], parts[3])
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        let bytes = Substring(self)
        let start = bytes.firstIndex { $0 != " " && $0 != "\t" } ?? bytes.endIndex
        let end = bytes[start...].lastIndex { $0 != " " && $0 != "\t" }.map { bytes.index(after: $0) } ?? start
        return String(bytes[start..<end])
    }
}
