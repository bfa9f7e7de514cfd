import Foundation
import SnapferryCore
import Testing

@Suite struct RetentionInputTests {
    @Test(arguments: [
        ("2026-11-29T02:00:00Z", 1_795_917_600.0),
        ("2026-11-29T02:00:00.250Z", 1_795_917_600.25),
        ("2026-11-29T03:00:00+01:00", 1_795_917_600.0),
        ("2026-11-28T21:00:00-05:00", 1_795_917_600.0),
        ("2026-11-29T07:30:00+0530", 1_795_917_600.0),
        ("2026-11-29T02:00:00z", 1_795_917_600.0),
        ("2024-02-29T00:00:00Z", 1_709_164_800.0),
        ("1970-01-01T00:00:00Z", 0.0),
        ("1969-12-31T23:59:59Z", -1.0),
    ] as [(String, Double)])
    func timestamp_parsesToInstant(text: String, seconds: Double) {
        #expect(parseISO8601Timestamp(text)?.timeIntervalSince1970 == seconds)
    }

    @Test(arguments: [
        "", "2026-11-29", "2026-11-29T02:00:00", "2026-11-29 02:00:00Z", "2026-11-29T02:00Z", "2026-02-29T00:00:00Z",
        "2026-02-30T02:00:00Z", "2026-13-01T00:00:00Z", "2026-04-31T00:00:00Z", "2026-11-29T24:00:00Z",
        "2026-11-29T02:60:00Z", "2026-11-29T02:00:60Z", "2026-11-29T02:00:00.Z", "2026-11-29T02:00:00Zjunk",
        "2026-11-29T02:00:00+1:00", "2026-11-29T02:00:00+25:00", "26-11-29T02:00:00Z", "２０２６-11-29T02:00:00Z",
    ])
    func badTimestamp_isRejected(text: String) {
        #expect(parseISO8601Timestamp(text) == nil)
    }

    @Test func timestamp_formatsInUTC_withMillisecondsOnlyWhenNeeded() {
        #expect(formatISO8601Timestamp(Date(timeIntervalSince1970: 1_795_917_600)) == "2026-11-29T02:00:00Z")
        #expect(formatISO8601Timestamp(Date(timeIntervalSince1970: 1_795_917_600.25)) == "2026-11-29T02:00:00.250Z")
    }

    @Test func input_skipsBlankLinesAndComments_andKeepsTextAsID() throws {
        let text = "# header\n\n2026-11-29T02:00:00Z\n  2026-11-28T02:00:00Z   # trailing note\r\n\t\n"
        let parsed = try RetentionInput.parse(text)
        #expect(parsed.map(\.id) == ["2026-11-29T02:00:00Z", "2026-11-28T02:00:00Z"])
        #expect(parsed.map(\.time) == [instant("2026-11-29T02:00:00Z"), instant("2026-11-28T02:00:00Z")])
    }

    @Test func input_badLine_throwsErrorNamingLineNumber() {
        let text = "2026-11-29T02:00:00Z\n# ok\n\n2026-02-30T02:00:00Z # bad day\n"
        #expect(throws: RetentionInputError(line: 4, text: "2026-02-30T02:00:00Z")) {
            try RetentionInput.parse(text)
        }
        #expect(RetentionInputError(line: 4, text: "yesterday").description == """
            line 4: "yesterday" is not an ISO-8601 timestamp; write one per line like 2026-11-29T02:00:00Z \
            (fractional seconds and offsets such as +01:00 are accepted)
            """)
    }

    @Test func input_empty_givesNoItems() throws {
        #expect(try RetentionInput.parse("").isEmpty)
        #expect(try RetentionInput.parse("\n# nothing\n").isEmpty)
    }
}
