import AWSSigV4
import Foundation
import Testing

/// The hand-computed `X-Amz-Date` format.
@Suite("SigV4 timestamp")
struct SigV4TimestampTests {
    static let cases: [(TimeInterval, String)] = [
        (0, "19700101T000000Z"),
        (1_440_938_160, "20150830T123600Z"),
        (951_868_799, "20000229T235959Z"),  // leap day in a year divisible by 400
        (1_709_251_199.9, "20240229T235959Z"),  // fractions are truncated, not rounded
        (4_102_444_800, "21000101T000000Z"),
        (-1, "19691231T235959Z"),
    ]

    @Test("dates format as yyyyMMdd'T'HHmmss'Z' in UTC and parse back", arguments: cases)
    func formatsAndParses(seconds: TimeInterval, expected: String) throws {
        let timestamp = SigV4Timestamp(Date(timeIntervalSince1970: seconds))
        #expect(timestamp.amzDate == expected)
        #expect(timestamp.shortDate == String(expected.prefix(8)))
        let parsed = try #require(SigV4Timestamp(amzDate: expected))
        #expect(parsed.date == Date(timeIntervalSince1970: seconds.rounded(.down)))
    }

    @Test("impossible or misshapen X-Amz-Date values do not parse",
          arguments: ["20150231T000000Z", "20150830T246000Z", "20150830T123600", "2015-08-30T12:36:00Z", "2015083OT123600Z", ""])
    func rejectsInvalid(text: String) {
        #expect(SigV4Timestamp(amzDate: text) == nil)
    }
}
