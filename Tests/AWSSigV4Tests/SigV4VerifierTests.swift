import AWSSigV4
import Foundation
import Testing

/// Round trips through `SigV4Signer` and `SigV4Verifier`, and the ways a
/// request can fail verification.
@Suite("SigV4 verifier")
struct SigV4VerifierTests {
    static let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    static let signer = SigV4Signer(
        credential: AWSCredential(accessKeyId: "AKIDEXAMPLE", secretAccessKey: secret, sessionToken: "token-1"),
        region: "eu-west-1", service: "rds")
    static let date = Date(timeIntervalSince1970: 1_700_000_000)  // 20231114T221320Z

    static func request(body: String = "Action=DescribeDBClusters&Version=2014-10-31") -> SigV4Request {
        SigV4Request(
            method: "POST", path: "/", query: nil,
            headers: [
                ("Host", "rds.eu-west-1.amazonaws.com"),
                ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
            ],
            payload: .string(body))
    }

    /// Signs `request` in headers and returns it as a server would receive it.
    static func signed(_ request: SigV4Request, options: SigV4Options = .init()) -> SigV4Request {
        var received = request
        received.headers = signer.signHeaders(request, date: date, options: options)
        return received
    }

    static func verify(_ request: SigV4Request, secret: String = secret, now: Date? = date) throws -> SigV4Verification {
        let authorization = try SigV4Authorization(parsing: try #require(request.header("Authorization")))
        return SigV4Verifier().verify(request, authorization: authorization, secretAccessKey: secret, now: now)
    }

    @Test("a signed request verifies as ok, with and without a signed body hash", arguments: [false, true])
    func roundTripIsOK(signBody: Bool) throws {
        let received = Self.signed(Self.request(), options: SigV4Options(signBody: signBody))
        #expect(try Self.verify(received) == .ok)
    }

    @Test("a changed body gives signatureMismatch with the server's canonical request")
    func tamperedBodyMismatches() throws {
        var received = Self.signed(Self.request())
        received.payload = .string("Action=DeleteDBCluster&Version=2014-10-31")
        guard case .signatureMismatch(let canonical, let stringToSign) = try Self.verify(received) else {
            Issue.record("expected signatureMismatch")
            return
        }
        #expect(canonical.hasSuffix(SigV4Payload.string("Action=DeleteDBCluster&Version=2014-10-31").hashedValue))
        #expect(stringToSign.hasPrefix("AWS4-HMAC-SHA256\n20231114T221320Z\n20231114/eu-west-1/rds/aws4_request\n"))
    }

    @Test("a changed signed header gives signatureMismatch")
    func tamperedSignedHeaderMismatches() throws {
        var received = Self.signed(Self.request())
        let index = try #require(received.headers.firstIndex { $0.name == "X-Amz-Security-Token" })
        received.headers[index].value = "token-2"
        guard case .signatureMismatch = try Self.verify(received) else {
            Issue.record("expected signatureMismatch")
            return
        }
    }

    @Test("the wrong secret gives signatureMismatch")
    func wrongSecretMismatches() throws {
        let received = Self.signed(Self.request())
        guard case .signatureMismatch = try Self.verify(received, secret: "not-the-secret") else {
            Issue.record("expected signatureMismatch")
            return
        }
    }

    @Test("an unsigned header added in transit does not break the signature")
    func addedUnsignedHeaderIsOK() throws {
        var received = Self.signed(Self.request())
        received.headers.append(("User-Agent", "proxy/1.0"))
        received.headers.append(("X-Forwarded-For", "10.0.0.1"))
        #expect(try Self.verify(received) == .ok)
    }

    @Test("a signed header missing from the request is malformed")
    func missingSignedHeaderIsMalformed() throws {
        var received = Self.signed(Self.request())
        received.headers.removeAll { $0.name == "Content-Type" }
        #expect(try Self.verify(received) == .malformed(reason: "signed header 'content-type' is not in the request"))
    }

    @Test("a request without X-Amz-Date is malformed")
    func missingDateIsMalformed() throws {
        var received = Self.signed(Self.request())
        received.headers.removeAll { $0.name == "X-Amz-Date" }
        #expect(
            try Self.verify(received)
                == .malformed(reason: "missing X-Amz-Date header; send the signing time as yyyyMMdd'T'HHmmss'Z'"))
    }

    @Test("a request signed 16 minutes before the server time has expired; 14 minutes is ok")
    func clockSkewIsEnforced() throws {
        let received = Self.signed(Self.request())
        #expect(try Self.verify(received, now: Self.date.addingTimeInterval(14 * 60)) == .ok)
        guard case .expired = try Self.verify(received, now: Self.date.addingTimeInterval(16 * 60)) else {
            Issue.record("expected expired")
            return
        }
    }

    @Test("an unsigned payload declared in x-amz-content-sha256 is accepted with any body")
    func unsignedPayloadIsOK() throws {
        var request = Self.request()
        request.headers.append(("x-amz-content-sha256", "UNSIGNED-PAYLOAD"))
        request.payload = .unsigned
        var received = Self.signed(request)
        received.payload = .string("anything")
        #expect(try Self.verify(received) == .ok)
    }

    @Test("a presigned URL verifies until it expires, and a changed parameter mismatches")
    func presignedRoundTrip() throws {
        let request = SigV4Request(
            method: "GET", url: try #require(URL(string: "https://rds.eu-west-1.amazonaws.com/?Action=DescribeDBClusters")))
        let url = try Self.signer.presign(request, expires: 300, date: Self.date)
        var received = SigV4Request(method: "GET", url: url)
        let verifier = SigV4Verifier()
        #expect(try SigV4Authorization(presignedQuery: received.query ?? "").accessKeyId == "AKIDEXAMPLE")
        #expect(verifier.verifyPresigned(received, secretAccessKey: Self.secret, now: Self.date.addingTimeInterval(299)) == .ok)
        guard case .expired = verifier.verifyPresigned(
            received, secretAccessKey: Self.secret, now: Self.date.addingTimeInterval(301))
        else {
            Issue.record("expected expired")
            return
        }
        received.query = received.query?.replacingOccurrences(of: "DescribeDBClusters", with: "DeleteDBCluster")
        guard case .signatureMismatch = verifier.verifyPresigned(received, secretAccessKey: Self.secret) else {
            Issue.record("expected signatureMismatch")
            return
        }
    }

    @Test("a presigned URL without a signature is malformed")
    func presignedWithoutSignatureIsMalformed() {
        let received = SigV4Request(
            method: "GET", path: "/", query: "X-Amz-Algorithm=AWS4-HMAC-SHA256", headers: [("Host", "h")])
        #expect(
            SigV4Verifier().verifyPresigned(received, secretAccessKey: Self.secret)
                == .malformed(reason: SigV4Error.malformedAuthorization("presigned query lacks X-Amz-Credential").description))
    }
}
