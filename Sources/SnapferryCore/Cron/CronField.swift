/// One of the five positional fields of a cron expression, with its bounds and names.
enum CronField: Int, CaseIterable, Sendable {
    case minute, hour, dayOfMonth, month, dayOfWeek

    /// The name used in error messages, matching crontab(5).
    var name: String {
        switch self {
        case .minute: "minute"
        case .hour: "hour"
        case .dayOfMonth: "day-of-month"
        case .month: "month"
        case .dayOfWeek: "day-of-week"
        }
    }

    /// Smallest and largest value accepted in the expression (day-of-week 7 is Sunday, like 0).
    var bounds: ClosedRange<Int> {
        switch self {
        case .minute: 0...59
        case .hour: 0...23
        case .dayOfMonth: 1...31
        case .month: 1...12
        case .dayOfWeek: 0...7
        }
    }

    /// Upper bound used when a wrap-around range is split into a list in a hint
    /// (day-of-week 7 duplicates 0, so the hint stops at Saturday).
    var hintUpperBound: Int {
        self == .dayOfWeek ? 6 : bounds.upperBound
    }

    /// Upper-case three-letter names, the first of which stands for `nameBase`.
    var names: [String] {
        switch self {
        case .month: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
        case .dayOfWeek: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
        default: []
        }
    }

    /// Numeric value of the first name in `names`.
    var nameBase: Int {
        self == .month ? 1 : 0
    }

    /// What a single value may be, for error messages, e.g. `1-12 or JAN-DEC`.
    var allowedValues: String {
        switch self {
        case .month: "1-12 or JAN-DEC"
        case .dayOfWeek: "0-7 or SUN-SAT"
        default: "\(bounds.lowerBound)-\(bounds.upperBound)"
        }
    }

    /// Numeric value of a name such as `mon` or `Dec`, case-insensitively; nil if unknown.
    func value(ofName token: String) -> Int? {
        names.firstIndex(of: token.uppercased()).map { $0 + nameBase }
    }
}
