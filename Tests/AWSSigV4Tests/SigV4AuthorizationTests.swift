import AWSSigV4
import Testing

/// Parsing of `Authorization: AWS4-HMAC-SHA256 ...` header values.
@Suite("SigV4 Authorization parsing")
struct SigV4AuthorizationTests {
    static let signature = "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"

    @Test("a well-formed header yields every part")
    func parsesAllParts() throws {
        let parsed = try SigV4Authorization(
            parsing: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
                + "SignedHeaders=content-type;host;x-amz-date, Signature=\(Self.signature)")
        #expect(
            parsed
                == SigV4Authorization(
                    accessKeyId: "AKIDEXAMPLE", date: "20150830", region: "us-east-1", service: "iam",
                    signedHeaders: ["content-type", "host", "x-amz-date"], signature: Self.signature))
    }

    @Test("components without spaces after the commas are accepted")
    func acceptsCompactForm() throws {
        let parsed = try SigV4Authorization(
            parsing: "AWS4-HMAC-SHA256 Credential=K/20150830/r/s/aws4_request,SignedHeaders=host,Signature=\(Self.signature)")
        #expect(parsed.signedHeaders == ["host"])
    }

    static let malformed: [(String, String)] = [
        ("AWS4-HMAC-SHA1 Credential=K/20150830/r/s/aws4_request, SignedHeaders=host, Signature=\(signature)",
         "unsupported algorithm 'AWS4-HMAC-SHA1', only AWS4-HMAC-SHA256 is accepted"),
        ("AWS4-HMAC-SHA256 SignedHeaders=host, Signature=\(signature)", "missing Credential"),
        ("AWS4-HMAC-SHA256 Credential=K/20150830/r/s/aws4_request, Signature=\(signature)", "missing SignedHeaders"),
        ("AWS4-HMAC-SHA256 Credential=K/20150830/r/s/aws4_request, SignedHeaders=host", "missing Signature"),
        ("AWS4-HMAC-SHA256 Credential=K/20150830/r/s, SignedHeaders=host, Signature=\(signature)",
         "Credential 'K/20150830/r/s' must have 5 parts: KEY/yyyymmdd/region/service/aws4_request"),
        ("AWS4-HMAC-SHA256 Credential=K/20150830/r/s/aws5_request, SignedHeaders=host, Signature=\(signature)",
         "Credential scope must end in 'aws4_request', not 'aws5_request'"),
        ("AWS4-HMAC-SHA256 Credential=K/2015-08-30/r/s/aws4_request, SignedHeaders=host, Signature=\(signature)",
         "Credential date '2015-08-30' must be yyyymmdd"),
        ("AWS4-HMAC-SHA256 Credential=K/20150830/r/s/aws4_request, SignedHeaders=Host;x-amz-date, Signature=\(signature)",
         "SignedHeaders 'Host;x-amz-date' must be lowercase names separated by ';'"),
        ("AWS4-HMAC-SHA256 Credential=K/20150830/r/s/aws4_request, SignedHeaders=host, Signature=abc123",
         "Signature must be 64 lowercase hex digits"),
        ("AWS4-HMAC-SHA256 Credential=K/20150830/r/s/aws4_request, SignedHeaders=host, Signature",
         "component 'Signature' has no '='"),
        ("AWS4-HMAC-SHA256 Credential=K/20150830/r/s/aws4_request, Credential=K/20150830/r/s/aws4_request",
         "component 'Credential' appears twice"),
    ]

    @Test("a malformed header is rejected with a reason naming the bad part", arguments: malformed)
    func rejectsMalformed(header: String, reason: String) {
        #expect(throws: SigV4Error.malformedAuthorization(reason)) {
            try SigV4Authorization(parsing: header)
        }
    }

    @Test("the error message shows the expected header shape")
    func errorMessageExplainsFormat() {
        #expect(
            SigV4Error.malformedAuthorization("missing Signature").description
                == "malformed Authorization header: missing Signature; expected "
                + "'AWS4-HMAC-SHA256 Credential=KEY/yyyymmdd/region/service/aws4_request, "
                + "SignedHeaders=h1;h2, Signature=<64 hex digits>'")
    }
}
