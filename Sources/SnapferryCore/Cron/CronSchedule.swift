import Foundation

/// A 5-field cron schedule (`minute hour day-of-month month day-of-week`) evaluated in an
/// IANA time zone. Pure: every instant is a parameter, nothing reads the clock.
///
/// Syntax follows crontab(5) (Vixie cron): `*`, lists `1,5`, ranges `1-5`, steps `*/15`,
/// `10-50/10` and `5/15` (from 5 to the field's maximum), month names `JAN`-`DEC` and
/// weekday names `SUN`-`SAT` (any case, also in ranges such as `MON-FRI`), and weekday 0 or 7
/// for Sunday. The macros `@hourly`, `@daily`, `@midnight`, `@weekly`, `@monthly`, `@yearly`
/// and `@annually` stand for `0 * * * *`, `0 0 * * *`, `0 0 * * *`, `0 0 * * 0`, `0 0 1 * *`,
/// `0 0 1 1 *` and `0 0 1 1 *`.
///
/// Day rule: when both day-of-month and day-of-week are restricted (neither field starts with
/// `*`), a day matches if EITHER matches; `0 0 13 * FRI` fires on every 13th and every Friday.
/// Otherwise both must match.
///
/// Daylight saving: the schedule picks wall-clock times on local calendar days, then maps
/// each to an instant.
/// - A wall time that does not exist that day (spring-forward gap) fires once, at the first
///   valid minute after the gap: `30 2 * * *` in Europe/Berlin on 2026-03-29 fires at 03:00
///   CEST (01:00Z). Several gap times (`*/15 2 * * *`) collapse into that single fire, and a
///   schedule that also matches 03:00 still fires only once then.
/// - A wall time that occurs twice (fall-back) fires once, at its first occurrence:
///   `30 2 * * *` in Europe/Berlin on 2026-10-25 fires at 02:30 CEST (00:30Z) only. So an
///   hourly or `*/15` job pauses during the repeated hour.
///
/// ``nextFire(after:in:)``, ``previousFire(atOrBefore:in:)`` and
/// ``fires(after:through:in:limit:)`` all enumerate exactly this one set of instants.
public struct CronSchedule: Sendable, Hashable, CustomStringConvertible {
    /// The expression as written, e.g. `*/15 2 * * MON-FRI` or `@daily`.
    public let expression: String

    let minutes: UInt64
    let hours: UInt64
    let daysOfMonth: UInt64
    let months: UInt64
    /// Bits 0 (Sunday) to 6 (Saturday); 7 is folded into 0 by the parser.
    let daysOfWeek: UInt64
    /// Vixie's rule: both day fields restricted means either may match.
    let daysMatchEither: Bool

    /// The macros and the 5-field expressions they stand for.
    static let macros: [(name: String, fields: String)] = [
        ("@hourly", "0 * * * *"), ("@daily", "0 0 * * *"), ("@midnight", "0 0 * * *"),
        ("@weekly", "0 0 * * 0"), ("@monthly", "0 0 1 * *"), ("@yearly", "0 0 1 1 *"),
        ("@annually", "0 0 1 1 *"),
    ]

    private static let fieldList = "minute hour day-of-month month day-of-week"

    /// Parses "m h dom mon dow" or @hourly/@daily/@midnight/@weekly/@monthly/@yearly/@annually.
    ///
    /// Fields are separated by whitespace; leading and trailing whitespace is ignored.
    /// Throws a ``CronParseError`` whose message says what is allowed and whose offset points
    /// at the offending token.
    public init(parsing expression: String) throws(CronParseError) {
        let characters = Array(expression)
        let tokens = Self.tokens(of: characters)
        guard let first = tokens.first else {
            throw CronParseError(
                message: "empty cron expression; expected 5 fields (\(Self.fieldList)) or a macro such as @daily",
                offset: 0)
        }
        if characters[first.lowerBound] == "@" {
            let expanded = try Self.expandMacro(characters, tokens: tokens)
            self.init(copying: expanded, expression: expression)
            return
        }
        guard tokens.count == 5 else {
            throw CronParseError(
                message: "expected 5 fields (\(Self.fieldList)), got \(tokens.count)",
                offset: tokens.count > 5 ? tokens[5].lowerBound : characters.count)
        }
        var results: [CronFieldParser.Result] = []
        for (field, range) in zip(CronField.allCases, tokens) {
            let parser = CronFieldParser(
                field: field, text: Array(characters[range]), startOffset: range.lowerBound)
            results.append(try parser.parse())
        }
        self.init(
            expression: expression, minutes: results[0].mask, hours: results[1].mask,
            daysOfMonth: results[2].mask, months: results[3].mask, daysOfWeek: results[4].mask,
            daysMatchEither: !results[2].startsWithStar && !results[4].startsWithStar)
    }

    private init(
        expression: String, minutes: UInt64, hours: UInt64, daysOfMonth: UInt64, months: UInt64,
        daysOfWeek: UInt64, daysMatchEither: Bool
    ) {
        self.expression = expression
        self.minutes = minutes
        self.hours = hours
        self.daysOfMonth = daysOfMonth
        self.months = months
        self.daysOfWeek = daysOfWeek
        self.daysMatchEither = daysMatchEither
    }

    /// The schedule a macro token stands for (its `expression` is the expansion).
    private static func expandMacro(_ characters: [Character], tokens: [Range<Int>]) throws(CronParseError) -> CronSchedule {
        let name = String(characters[tokens[0]])
        guard let macro = Self.macros.first(where: { $0.name == name.lowercased() }) else {
            let allowed = Self.macros.map(\.name).joined(separator: ", ")
            throw CronParseError(
                message: "unknown macro \"\(name)\"; allowed: \(allowed)", offset: tokens[0].lowerBound)
        }
        guard tokens.count == 1 else {
            throw CronParseError(
                message: "macro \(name) must stand alone; remove \"\(String(characters[tokens[1]]))\" after it",
                offset: tokens[1].lowerBound)
        }
        do {
            return try CronSchedule(parsing: macro.fields)
        } catch {
            // The macro table is constant and valid; report it against the macro if it ever is not.
            throw CronParseError(message: "macro \(name) is misdefined: \(error.message)", offset: 0)
        }
    }

    private init(copying other: CronSchedule, expression: String) {
        self.init(
            expression: expression, minutes: other.minutes, hours: other.hours,
            daysOfMonth: other.daysOfMonth, months: other.months, daysOfWeek: other.daysOfWeek,
            daysMatchEither: other.daysMatchEither)
    }

    /// The expression as written.
    public var description: String { expression }

    /// Whether some calendar day can ever match; false for e.g. `0 0 30 2 *` (February 30).
    /// A config validator can use this to refuse a schedule that would never run.
    public var canEverFire: Bool {
        if daysMatchEither { return true }  // every month has every weekday
        let longestMonth = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return (1...12).contains { month in
            months & (1 << UInt64(month)) != 0
                && (1...longestMonth[month]).contains { daysOfMonth & (1 << UInt64($0)) != 0 }
        }
    }

    /// Ranges of the blank-separated tokens in `characters`.
    private static func tokens(of characters: [Character]) -> [Range<Int>] {
        var tokens: [Range<Int>] = []
        var start: Int?
        for (index, character) in characters.enumerated() {
            if character.isWhitespace {
                if let begun = start { tokens.append(begun..<index) }
                start = nil
            } else if start == nil {
                start = index
            }
        }
        if let begun = start { tokens.append(begun..<characters.count) }
        return tokens
    }
}
