import Foundation
import SnapferryCore
import Testing

@Suite("Cron parsing")
struct CronParsingTests {
    /// A rejected expression with the exact message and offset the operator must see.
    struct Rejection: Sendable, CustomTestStringConvertible {
        let expression: String
        let message: String
        let offset: Int
        var testDescription: String { "\"\(expression)\"" }
    }

    static let fieldCount = "expected 5 fields (minute hour day-of-month month day-of-week)"
    static let macroList = "@hourly, @daily, @midnight, @weekly, @monthly, @yearly, @annually"

    static let rejections: [Rejection] = [
        // Shape of the expression.
        .init(
            expression: "",
            message: "empty cron expression; \(fieldCount) or a macro such as @daily", offset: 0),
        .init(
            expression: "   ",
            message: "empty cron expression; \(fieldCount) or a macro such as @daily", offset: 0),
        .init(expression: "0 0 * *", message: "\(fieldCount), got 4", offset: 7),
        .init(expression: "0 0 * * * *", message: "\(fieldCount), got 6", offset: 10),
        .init(expression: "@reboot", message: "unknown macro \"@reboot\"; allowed: \(macroList)", offset: 0),
        .init(expression: "@daily 5", message: "macro @daily must stand alone; remove \"5\" after it", offset: 7),
        // Values out of range, with the field's allowed values.
        .init(expression: "60 * * * *", message: "minute 60 out of range 0-59", offset: 0),
        .init(expression: "0 24 * * *", message: "hour 24 out of range 0-23", offset: 2),
        .init(expression: "  0 24 * * *", message: "hour 24 out of range 0-23", offset: 4),
        .init(expression: "0 1,24 * * *", message: "hour 24 out of range 0-23", offset: 4),
        .init(expression: "0 0 0 * *", message: "day-of-month 0 out of range 1-31", offset: 4),
        .init(expression: "0 0 32 * *", message: "day-of-month 32 out of range 1-31", offset: 4),
        .init(expression: "0 0 * 13 *", message: "month 13 out of range 1-12 or JAN-DEC", offset: 6),
        .init(expression: "0 0 * * 8", message: "day-of-week 8 out of range 0-7 or SUN-SAT", offset: 8),
        .init(expression: "0 0 * * 1-9", message: "day-of-week 9 out of range 0-7 or SUN-SAT", offset: 10),
        .init(expression: "99999999 * * * *", message: "minute 99999999 out of range 0-59", offset: 0),
        // Reversed ranges, with a hint for wrap-arounds.
        .init(
            expression: "0 20-10 * * *",
            message: "hour range 20-10 is reversed; write the smaller value first, "
                + "or split a wrap-around into a list such as 20-23,0-10",
            offset: 2),
        .init(
            expression: "0 0 * * SAT-SUN",
            message: "day-of-week range SAT-SUN is reversed; write the smaller value first, "
                + "or split a wrap-around into a list such as 6,0",
            offset: 8),
        .init(
            expression: "0 0 * NOV-FEB *",
            message: "month range NOV-FEB is reversed; write the smaller value first, "
                + "or split a wrap-around into a list such as 11-12,1-2",
            offset: 6),
        .init(expression: "-5 * * * *", message: "minute range \"-5\" is missing its start; write e.g. 1-5", offset: 0),
        .init(expression: "0 5- * * *", message: "hour range \"5-\" is missing its end; write e.g. 1-5", offset: 2),
        // Steps.
        .init(expression: "*/0 * * * *", message: "minute step 0 out of range 1-59", offset: 2),
        .init(expression: "*/60 * * * *", message: "minute step 60 out of range 1-59", offset: 2),
        .init(expression: "0 0 * * 1-5/0", message: "day-of-week step 0 out of range 1-7", offset: 12),
        .init(expression: "*/ * * * *", message: "minute step missing after \"/\"; write e.g. */15", offset: 2),
        .init(expression: "*/x * * * *", message: "minute step \"x\" not understood; allowed: 1-59", offset: 2),
        .init(expression: "*/5/2 * * * *", message: "minute step \"5/2\" not understood; allowed: 1-59", offset: 2),
        // Empty list items.
        .init(
            expression: "1,,5 * * * *",
            message: "empty item in minute list \"1,,5\"; separate values with single commas, e.g. 1,5",
            offset: 2),
        .init(
            expression: ",1 * * * *",
            message: "empty item in minute list \",1\"; separate values with single commas, e.g. 1,5",
            offset: 0),
        .init(
            expression: "0 0 * * 1,",
            message: "empty item in day-of-week list \"1,\"; separate values with single commas, e.g. 1,5",
            offset: 10),
        // Garbage and unknown names.
        .init(expression: "x * * * *", message: "minute value \"x\" not understood; allowed: 0-59", offset: 0),
        .init(expression: "5x * * * *", message: "minute value \"5x\" not understood; allowed: 0-59", offset: 0),
        .init(expression: "** * * * *", message: "minute value \"**\" not understood; allowed: 0-59", offset: 0),
        .init(expression: "0 MON * * *", message: "hour value \"MON\" not understood; allowed: 0-23", offset: 2),
        .init(
            expression: "0 0 * FOO *",
            message: "month value \"FOO\" not understood; allowed: 1-12 or JAN-DEC", offset: 6),
        .init(
            expression: "0 0 * * FUNDAY",
            message: "day-of-week value \"FUNDAY\" not understood; allowed: 0-7 or SUN-SAT", offset: 8),
        .init(
            expression: "0 0 * * 1-2-3",
            message: "day-of-week value \"2-3\" not understood; allowed: 0-7 or SUN-SAT", offset: 10),
        .init(expression: "0 0 ? * *", message: "day-of-month value \"?\" not understood; allowed: 1-31", offset: 4),
    ]

    @Test("invalid expression is rejected with exact message and offset", arguments: rejections)
    func invalidExpressionIsRejected(_ rejection: Rejection) {
        #expect(throws: CronParseError(message: rejection.message, offset: rejection.offset)) {
            _ = try CronSchedule(parsing: rejection.expression)
        }
    }

    /// A valid expression with its first fires after 2026-01-01T00:00:00Z (a Thursday), in UTC.
    struct Acceptance: Sendable, CustomTestStringConvertible {
        let expression: String
        let fires: [String]
        var testDescription: String { "\"\(expression)\"" }
    }

    static let acceptances: [Acceptance] = [
        .init(
            expression: "*/15 * * * *",
            fires: ["2026-01-01T00:15:00Z", "2026-01-01T00:30:00Z", "2026-01-01T00:45:00Z", "2026-01-01T01:00:00Z"]),
        .init(
            expression: "10-50/10 3 * * *",
            fires: [
                "2026-01-01T03:10:00Z", "2026-01-01T03:20:00Z", "2026-01-01T03:30:00Z", "2026-01-01T03:40:00Z",
                "2026-01-01T03:50:00Z", "2026-01-02T03:10:00Z",
            ]),
        .init(
            expression: "5/15 * * * *",
            fires: ["2026-01-01T00:05:00Z", "2026-01-01T00:20:00Z", "2026-01-01T00:35:00Z", "2026-01-01T00:50:00Z"]),
        .init(expression: "30 1,13 * * *", fires: ["2026-01-01T01:30:00Z", "2026-01-01T13:30:00Z", "2026-01-02T01:30:00Z"]),
        .init(expression: "0 9 * * MON-FRI", fires: ["2026-01-01T09:00:00Z", "2026-01-02T09:00:00Z", "2026-01-05T09:00:00Z"]),
        .init(expression: "0 9 * * mon-Fri", fires: ["2026-01-01T09:00:00Z", "2026-01-02T09:00:00Z", "2026-01-05T09:00:00Z"]),
        .init(expression: "0 0 * * 0", fires: ["2026-01-04T00:00:00Z", "2026-01-11T00:00:00Z"]),
        .init(expression: "0 0 * * 7", fires: ["2026-01-04T00:00:00Z", "2026-01-11T00:00:00Z"]),
        .init(expression: "0 0 * * sun", fires: ["2026-01-04T00:00:00Z", "2026-01-11T00:00:00Z"]),
        .init(
            expression: "0 0 * * 5-7",
            fires: ["2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z", "2026-01-09T00:00:00Z"]),
        .init(expression: "0 0 1 jan,JUL *", fires: ["2026-07-01T00:00:00Z", "2027-01-01T00:00:00Z"]),
        .init(expression: "0 0 1 * *", fires: ["2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z"]),
        .init(expression: "0 0 * 2/5 *", fires: ["2026-02-01T00:00:00Z", "2026-02-02T00:00:00Z"]),
        .init(
            expression: "0 12 */10 * *",
            fires: ["2026-01-01T12:00:00Z", "2026-01-11T12:00:00Z", "2026-01-21T12:00:00Z", "2026-01-31T12:00:00Z",
                "2026-02-01T12:00:00Z"]),
        .init(expression: " \t0  12 * * *\n", fires: ["2026-01-01T12:00:00Z", "2026-01-02T12:00:00Z"]),
        .init(expression: "@hourly", fires: ["2026-01-01T01:00:00Z", "2026-01-01T02:00:00Z"]),
        .init(expression: "@daily", fires: ["2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z"]),
        .init(expression: "@midnight", fires: ["2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z"]),
        .init(expression: "@DAILY", fires: ["2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z"]),
        .init(expression: "@weekly", fires: ["2026-01-04T00:00:00Z", "2026-01-11T00:00:00Z"]),
        .init(expression: "@monthly", fires: ["2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z"]),
        .init(expression: "@yearly", fires: ["2027-01-01T00:00:00Z", "2028-01-01T00:00:00Z"]),
        .init(expression: "@annually", fires: ["2027-01-01T00:00:00Z", "2028-01-01T00:00:00Z"]),
    ]

    @Test("valid expression parses and fires at the expected UTC instants", arguments: acceptances)
    func validExpressionFiresAsExpected(_ acceptance: Acceptance) throws {
        let schedule = try CronSchedule(parsing: acceptance.expression)
        let utc = try CronTestSupport.zone("UTC")
        let start = try CronTestSupport.instant("2026-01-01T00:00:00Z")
        let fires = CronTestSupport.chainedNextFires(
            schedule, after: start, through: .distantFuture, in: utc, limit: acceptance.fires.count)
        #expect(fires.map(CronTestSupport.text) == acceptance.fires)
    }

    @Test("expression and description keep the text as written")
    func descriptionKeepsOriginalText() throws {
        let macro = try CronSchedule(parsing: "@Weekly")
        let fields = try CronSchedule(parsing: "*/15 2 * * MON-FRI")
        #expect(macro.expression == "@Weekly")
        #expect(macro.description == "@Weekly")
        #expect(fields.description == "*/15 2 * * MON-FRI")
    }

    @Test("parse error description appends the 1-based column")
    func parseErrorDescriptionHasColumn() {
        #expect(
            CronParseError(message: "hour 24 out of range 0-23", offset: 2).description
                == "hour 24 out of range 0-23 (column 3)")
    }

    @Test("canEverFire is false only for day and month combinations that never exist")
    func canEverFireDetectsImpossibleDates() throws {
        #expect(try CronSchedule(parsing: "0 0 30 2 *").canEverFire == false)
        #expect(try CronSchedule(parsing: "0 0 31 4,6,9,11 *").canEverFire == false)
        #expect(try CronSchedule(parsing: "0 0 29 2 *").canEverFire)
        // With the either-day rule a restricted weekday still fires in February.
        #expect(try CronSchedule(parsing: "0 0 30 2 MON").canEverFire)
    }
}
