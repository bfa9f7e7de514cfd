/// Parses the text of one cron field (`*/15`, `1,5`, `MON-FRI`, `10-50/10`, `5/15`) into a
/// bit set of the values it selects.
///
/// Grammar (crontab(5), Vixie cron): `field = item ("," item)*`,
/// `item = ("*" | value | value "-" value) ["/" step]`; a single value with a step
/// (`5/15`) runs from that value to the field's maximum.
struct CronFieldParser {
    /// Which field is being parsed; decides bounds, names and message wording.
    let field: CronField
    /// The field's characters.
    let text: [Character]
    /// Offset of `text[0]` in the whole expression, so errors point at the right column.
    let startOffset: Int

    /// The parsed field: bit `v` of `mask` is set when value `v` is selected.
    struct Result: Sendable {
        /// Selected values as bits (day-of-week 7 is folded into 0).
        var mask: UInt64
        /// True when the field text begins with `*`; drives the day-of-month/day-of-week rule.
        var startsWithStar: Bool
    }

    /// Parses the field, or throws an error naming the offending token and its offset.
    func parse() throws(CronParseError) -> Result {
        var mask: UInt64 = 0
        var itemStart = 0
        for index in 0...text.count where index == text.count || text[index] == "," {
            if index == itemStart {
                throw error(
                    "empty item in \(field.name) list \"\(String(text))\"; separate values with single commas, e.g. 1,5",
                    at: itemStart)
            }
            mask |= try parseItem(from: itemStart, to: index)
            itemStart = index + 1
        }
        if field == .dayOfWeek, mask & (1 << 7) != 0 {
            mask = (mask & ~(1 << 7)) | 1
        }
        return Result(mask: mask, startsWithStar: text.first == "*")
    }

    /// Parses `text[start..<end]`, one comma-free item, into its bit set.
    private func parseItem(from start: Int, to end: Int) throws(CronParseError) -> UInt64 {
        let slash = text[start..<end].firstIndex(of: "/")
        let baseEnd = slash ?? end
        var step = 1
        if let slash {
            step = try parseStep(from: slash + 1, to: end)
        }
        let range: ClosedRange<Int>
        if baseEnd - start == 1, text[start] == "*" {
            range = field.bounds
        } else if let dash = text[start..<baseEnd].firstIndex(of: "-") {
            range = try parseRange(from: start, dash: dash, to: baseEnd)
        } else {
            let value = try parseValue(from: start, to: baseEnd)
            range = value...(slash == nil ? value : field.bounds.upperBound)
        }
        var mask: UInt64 = 0
        for value in stride(from: range.lowerBound, through: range.upperBound, by: step) {
            mask |= 1 << UInt64(value)
        }
        return mask
    }

    /// Parses `a-b`; `dash` is the index of the `-` between `start` and `end`.
    private func parseRange(from start: Int, dash: Int, to end: Int) throws(CronParseError) -> ClosedRange<Int> {
        let token = String(text[start..<end])
        if dash == start {
            throw error("\(field.name) range \"\(token)\" is missing its start; write e.g. 1-5", at: start)
        }
        if dash + 1 == end {
            throw error("\(field.name) range \"\(token)\" is missing its end; write e.g. 1-5", at: start)
        }
        let low = try parseValue(from: start, to: dash)
        let high = try parseValue(from: dash + 1, to: end)
        guard low <= high else {
            let head = low == field.hintUpperBound ? "\(low)" : "\(low)-\(field.hintUpperBound)"
            let tail = high == field.bounds.lowerBound ? "\(high)" : "\(field.bounds.lowerBound)-\(high)"
            throw error(
                "\(field.name) range \(token) is reversed; write the smaller value first, "
                    + "or split a wrap-around into a list such as \(head),\(tail)",
                at: start)
        }
        return low...high
    }

    /// Parses the step after `/`, which must lie in 1 through the field's maximum.
    private func parseStep(from start: Int, to end: Int) throws(CronParseError) -> Int {
        let allowed = "1-\(field.bounds.upperBound)"
        guard start < end else {
            throw error("\(field.name) step missing after \"/\"; write e.g. */15", at: start)
        }
        let token = String(text[start..<end])
        guard let step = Self.decimal(token) else {
            throw error("\(field.name) step \"\(token)\" not understood; allowed: \(allowed)", at: start)
        }
        guard (1...field.bounds.upperBound).contains(step) else {
            throw error("\(field.name) step \(token) out of range \(allowed)", at: start)
        }
        return step
    }

    /// Parses a number or (for month and day-of-week) a three-letter name, within bounds.
    private func parseValue(from start: Int, to end: Int) throws(CronParseError) -> Int {
        let token = String(text[start..<end])
        if let number = Self.decimal(token) {
            guard field.bounds.contains(number) else {
                throw error("\(field.name) \(token) out of range \(field.allowedValues)", at: start)
            }
            return number
        }
        if let named = field.value(ofName: token) {
            return named
        }
        throw error("\(field.name) value \"\(token)\" not understood; allowed: \(field.allowedValues)", at: start)
    }

    /// The value of an all-ASCII-digit token, saturating so that huge numbers stay out of range.
    private static func decimal(_ token: String) -> Int? {
        guard !token.isEmpty else { return nil }
        var value = 0
        for scalar in token.unicodeScalars {
            guard scalar.isASCII, let digit = Int(exactly: scalar.value), (48...57).contains(digit) else {
                return nil
            }
            value = min(value * 10 + digit - 48, 1_000_000)
        }
        return value
    }

    private func error(_ message: String, at index: Int) -> CronParseError {
        CronParseError(message: message, offset: startOffset + index)
    }
}
