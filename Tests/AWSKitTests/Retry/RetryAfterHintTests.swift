import AWSKit
import Testing

@Suite("retryAfterHint")
struct RetryAfterHintTests {
    @Test("amzRetryAfter_isMilliseconds_andWinsOverRetryAfter")
    func amzHeaderWins() {
        #expect(retryAfterHint(headers: ["x-amz-retry-after": "1500"]) == .milliseconds(1500))
        #expect(retryAfterHint(headers: ["X-Amz-Retry-After": " 250 ", "Retry-After": "9"]) == .milliseconds(250))
    }

    @Test("retryAfter_isWholeSeconds_caseInsensitive")
    func retryAfterSeconds() {
        #expect(retryAfterHint(headers: ["Retry-After": "3"]) == .seconds(3))
        #expect(retryAfterHint(headers: ["retry-after": "0"]) == .zero)
    }

    @Test("malformedNegativeOrHTTPDateValues_areIgnored")
    func malformed() {
        #expect(retryAfterHint(headers: ["Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"]) == nil)
        #expect(retryAfterHint(headers: ["x-amz-retry-after": "-5"]) == nil)
        #expect(retryAfterHint(headers: ["x-amz-retry-after": "soon", "Retry-After": "2"]) == .seconds(2))
        #expect(retryAfterHint(headers: ["Content-Type": "text/xml"]) == nil)
    }
}
