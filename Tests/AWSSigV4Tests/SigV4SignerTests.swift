import AWSSigV4
import Foundation
import Testing

/// Signer behaviour beyond the AWS test suite: URL-built requests, path
/// encoding per service, header replacement and presigned URL errors.
@Suite("SigV4 signer")
struct SigV4SignerTests {
    static let credential = AWSCredential(
        accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    static let date = Date(timeIntervalSince1970: 1_440_938_160)  // 2015-08-30T12:36:00Z

    @Test("the IAM ListUsers example from the AWS docs gives the published Authorization value")
    func iamExampleFromDocs() throws {
        let url = try #require(URL(string: "https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08"))
        let request = SigV4Request(
            method: "GET", url: url,
            headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")])
        let signer = SigV4Signer(credential: Self.credential, region: "us-east-1", service: "iam")
        let headers = signer.signHeaders(request, date: Self.date)
        #expect(headers.first { $0.name == "Host" }?.value == "iam.amazonaws.com")
        #expect(
            headers.last?.value
                == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
                + "SignedHeaders=content-type;host;x-amz-date, "
                + "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7")
    }

    @Test("a percent-encoded path is encoded again for most services and once for S3")
    func pathEncodingPerService() {
        let request = SigV4Request(method: "GET", path: "/my%20file/a+b", headers: [("Host", "h")])
        let signer = SigV4Signer(credential: Self.credential, region: "us-east-1", service: "s3")
        let other = signer.canonicalRequest(request, date: Self.date)
        let s3 = signer.canonicalRequest(
            request, date: Self.date, options: SigV4Options(normalizePath: false, uriEncodePath: false))
        #expect(other.split(separator: "\n")[1] == "/my%2520file/a%2Bb")
        #expect(s3.split(separator: "\n")[1] == "/my%20file/a%2Bb")
    }

    @Test("query values are decoded then re-encoded with %20 for spaces and sorted by name then value")
    func canonicalQueryEncoding() {
        let request = SigV4Request(method: "GET", path: "/", query: "b=2&a=z&a=y%2Fx&flag&c=a+b", headers: [("Host", "h")])
        let signer = SigV4Signer(credential: Self.credential, region: "us-east-1", service: "rds")
        #expect(signer.canonicalRequest(request, date: Self.date).split(separator: "\n")[2] == "a=y%2Fx&a=z&b=2&c=a%2Bb&flag=")
    }

    @Test("signing again replaces the old Authorization and X-Amz-Date instead of duplicating them")
    func resigningReplacesHeaders() {
        let signer = SigV4Signer(credential: Self.credential, region: "us-east-1", service: "rds")
        let request = SigV4Request(method: "GET", path: "/", headers: [("Host", "h")])
        var again = request
        again.headers = signer.signHeaders(request, date: Self.date)
        let later = signer.signHeaders(again, date: Self.date.addingTimeInterval(60))
        #expect(later.map(\.name) == ["Host", "X-Amz-Date", "Authorization"])
        #expect(later[1].value == "20150830T123700Z")
    }

    @Test("the User-Agent header is sent but not signed")
    func userAgentIsNotSigned() {
        let signer = SigV4Signer(credential: Self.credential, region: "us-east-1", service: "rds")
        let request = SigV4Request(method: "GET", path: "/", headers: [("Host", "h"), ("User-Agent", "snapferry/1")])
        let headers = signer.signHeaders(request, date: Self.date)
        #expect(headers.contains { $0.name == "User-Agent" })
        #expect(headers.last?.value.contains("SignedHeaders=host;x-amz-date,") == true)
    }

    @Test("presigning a request without a Host header throws missingHost")
    func presignWithoutHostThrows() {
        let signer = SigV4Signer(credential: Self.credential, region: "us-east-1", service: "rds")
        #expect(throws: SigV4Error.missingHost) {
            try signer.presign(SigV4Request(method: "GET", path: "/", headers: []), expires: 60, date: Self.date)
        }
    }

    @Test("presigning a path with a raw space throws invalidURL rather than sending a different path")
    func presignRawSpaceThrows() {
        let signer = SigV4Signer(credential: Self.credential, region: "us-east-1", service: "rds")
        let request = SigV4Request(method: "GET", path: "/a b", headers: [("Host", "h")])
        #expect(throws: SigV4Error.self) {
            try signer.presign(request, expires: 60, date: Self.date)
        }
    }

    @Test("a URL with a non-default port puts the port in the Host header")
    func hostHeaderKeepsPort() throws {
        let request = SigV4Request(method: "GET", url: try #require(URL(string: "http://localhost:4566/x?y=1")))
        #expect(request.header("host") == "localhost:4566")
        #expect(request.path == "/x")
        #expect(request.query == "y=1")
        #expect(request.scheme == "http")
    }
}
