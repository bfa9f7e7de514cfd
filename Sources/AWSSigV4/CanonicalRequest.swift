/// Task 1: create a canonical request
/// (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#create-canonical-request).
///
/// ```
/// HTTPMethod \n CanonicalURI \n CanonicalQueryString \n CanonicalHeaders \n SignedHeaders \n HashedPayload
/// ```
/// where CanonicalHeaders is one `name:value\n` line per header, so a blank
/// line follows it.
struct CanonicalRequest: Sendable {
    let method: String
    let uri: String
    let query: String
    let headers: String
    let signedHeaders: String
    let payloadHash: String

    var text: String {
        [method, uri, query, headers, signedHeaders, payloadHash].joined(separator: "\n")
    }

    /// Builds the canonical request from the wire form of a request.
    /// - Parameters:
    ///   - queryItems: raw (still percent-encoded) name/value pairs, in any order.
    ///   - headers: the headers to sign, in sending order; names in any case.
    init(
        method: String, path: String, queryItems: [(name: String, value: String)],
        headers: [(name: String, value: String)], payloadHash: String, options: SigV4Options
    ) {
        self.method = method
        self.uri = Self.canonicalURI(path, options: options)
        self.query = Self.canonicalQuery(queryItems)
        let (block, names) = Self.canonicalHeaders(headers)
        self.headers = block
        self.signedHeaders = names
        self.payloadHash = payloadHash
    }

    /// The path, optionally normalized, then URI-encoded: once more for every
    /// service but S3 ("double encoding"), or decoded and re-encoded for S3.
    static func canonicalURI(_ path: String, options: SigV4Options) -> String {
        let path = path.isEmpty ? "/" : path
        let normalized = options.normalizePath ? normalize(path) : path
        if options.uriEncodePath {
            return URIEncoding.encode(normalized, keepSlash: true)
        }
        return URIEncoding.encode(URIEncoding.decode(normalized), keepSlash: true)
    }

    /// Removes empty and `.` segments and resolves `..` (never above the root).
    /// A trailing slash survives, so `//example//` becomes `/example/`.
    static func normalize(_ path: String) -> String {
        var segments: [Substring] = []
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        for part in parts {
            switch part {
            case "", ".": continue
            case "..": _ = segments.popLast()
            default: segments.append(part)
            }
        }
        let last = parts.last ?? ""
        let trailingSlash = !segments.isEmpty && (last.isEmpty || last == "." || last == "..")
        return "/" + segments.joined(separator: "/") + (trailingSlash ? "/" : "")
    }

    /// Splits a raw query string into its (still encoded) name/value pairs.
    /// A parameter without `=` gets an empty value.
    static func queryItems(_ rawQuery: String?) -> [(name: String, value: String)] {
        guard let rawQuery, !rawQuery.isEmpty else { return [] }
        return rawQuery.split(separator: "&").map { pair in
            guard let equals = pair.firstIndex(of: "=") else { return (String(pair), "") }
            return (String(pair[..<equals]), String(pair[pair.index(after: equals)...]))
        }
    }

    /// Each name and value decoded then URI-encoded, sorted by name then value
    /// (byte order), joined as `name=value` with `&`.
    static func canonicalQuery(_ items: [(name: String, value: String)]) -> String {
        let encoded = items.map {
            (URIEncoding.encode(URIEncoding.decode($0.name)), URIEncoding.encode(URIEncoding.decode($0.value)))
        }
        return encoded.sorted { lhs, rhs in
            lhs.0 == rhs.0 ? lhs.1.utf8.lexicographicallyPrecedes(rhs.1.utf8) : lhs.0.utf8.lexicographicallyPrecedes(rhs.0.utf8)
        }
        .map { "\($0.0)=\($0.1)" }
        .joined(separator: "&")
    }

    /// Lowercased names sorted; values trimmed with runs of whitespace
    /// (including folded line breaks) collapsed to one space; repeated names
    /// joined with `,` in sending order.
    /// - Returns: the header block (each line ending in `\n`) and the
    ///   `;`-separated signed header names.
    static func canonicalHeaders(_ headers: [(name: String, value: String)]) -> (String, String) {
        var values: [String: [String]] = [:]
        for header in headers {
            let name = trimmed(header.name).lowercased()
            values[name, default: []].append(trimmed(header.value))
        }
        let names = values.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        let block = names.map { "\($0):\(values[$0, default: []].joined(separator: ","))\n" }.joined()
        return (block, names.joined(separator: ";"))
    }

    private static func trimmed(_ value: String) -> String {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" })
            .joined(separator: " ")
    }
}
