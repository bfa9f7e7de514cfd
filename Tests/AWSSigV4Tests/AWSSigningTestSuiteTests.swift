import AWSSigV4
import Foundation
import Testing

/// Every case of the AWS SigV4 test suite (aws-c-auth), in both header and
/// query (presigned) mode, checked at each step: canonical request, string to
/// sign, signature and the whole signed request.
@Suite("AWS signing test suite")
struct AWSSigningTestSuiteTests {
    @Test("the fixtures hold all 38 v4 cases")
    func suiteIsComplete() {
        #expect(SigningTestCase.allNames().count == 38)
    }

    @Test("header signing matches the suite at every step", arguments: SigningTestCase.allNames())
    func headerSigning(caseName: String) throws {
        let test = try SigningTestCase(caseName)
        let signer = test.signer
        let request = test.request.sigV4Request()

        let canonical = signer.canonicalRequest(request, date: test.date, options: test.options)
        #expect(canonical == (try test.expected("header-canonical-request")))
        let stringToSign = signer.stringToSign(canonicalRequest: canonical, date: test.date)
        #expect(stringToSign == (try test.expected("header-string-to-sign")))
        #expect(signer.signature(stringToSign: stringToSign, date: test.date) == (try test.expected("header-signature")))

        let headers = signer.signHeaders(request, date: test.date, options: test.options)
        let target = test.request.path + (test.request.query.map { "?\($0)" } ?? "")
        let rendered = RawHTTPRequest.render(
            method: test.request.method, target: target, headers: headers, body: test.request.body)
        #expect(rendered == (try test.expected("header-signed-request")))
    }

    @Test("query signing matches the suite at every step", arguments: SigningTestCase.allNames())
    func querySigning(caseName: String) throws {
        let test = try SigningTestCase(caseName)
        let signer = test.signer
        let request = test.request.sigV4Request()
        let expires = test.context.expiration_in_seconds

        let canonical = signer.canonicalRequest(request, date: test.date, expires: expires, options: test.options)
        #expect(canonical == (try test.expected("query-canonical-request")))
        let stringToSign = signer.stringToSign(canonicalRequest: canonical, date: test.date)
        #expect(stringToSign == (try test.expected("query-string-to-sign")))
        #expect(signer.signature(stringToSign: stringToSign, date: test.date) == (try test.expected("query-signature")))

        let query = signer.presignedQuery(request, expires: expires, date: test.date, options: test.options)
        let rendered = RawHTTPRequest.render(
            method: test.request.method, target: "\(test.request.path)?\(query)",
            headers: test.request.headers, body: test.request.body)
        #expect(rendered == (try test.expected("query-signed-request")))
    }

    @Test("a header-signed suite request verifies as ok", arguments: SigningTestCase.allNames())
    func headerSignedRequestVerifies(caseName: String) throws {
        let test = try SigningTestCase(caseName)
        var request = test.request.sigV4Request()
        request.headers = test.signer.signHeaders(request, date: test.date, options: test.options)
        let authorization = try SigV4Authorization(parsing: try #require(request.header("authorization")))
        // Only the path rule matters to the server; the rest comes from the request itself.
        let verifier = SigV4Verifier(options: SigV4Options(normalizePath: test.context.normalize))
        let result = verifier.verify(
            request, authorization: authorization,
            secretAccessKey: test.context.credentials.secret_access_key, now: test.date)
        #expect(result == .ok)
    }

    @Test("a presigned suite request verifies as ok", arguments: SigningTestCase.allNames())
    func presignedRequestVerifies(caseName: String) throws {
        let test = try SigningTestCase(caseName)
        var request = test.request.sigV4Request()
        request.query = test.signer.presignedQuery(
            request, expires: test.context.expiration_in_seconds, date: test.date, options: test.options)
        let verifier = SigV4Verifier(options: test.options)
        let result = verifier.verifyPresigned(
            request, secretAccessKey: test.context.credentials.secret_access_key,
            now: test.date.addingTimeInterval(60))
        #expect(result == .ok)
    }
}
