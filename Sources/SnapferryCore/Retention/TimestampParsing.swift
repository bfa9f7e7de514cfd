import Foundation

/// Parses an ISO-8601 / RFC 3339 timestamp with a date, a time to the second, optional
/// fractional seconds, and a zone: `2026-11-29T02:00:00Z`, `2026-11-29T02:00:00.250Z`,
/// `2026-11-29T03:00:00+01:00` (or `+0100`).
///
/// Strict: impossible dates such as February 30 and times without a zone are rejected
/// (Foundation's parser rolls February 30 over into March).
public func parseISO8601Timestamp(_ text: String) -> Date? {
    var scanner = DigitScanner(Array(text.utf8))
    guard let year = scanner.number(4), scanner.skip("-"), let month = scanner.number(2), scanner.skip("-"),
          let day = scanner.number(2), scanner.skip("T"), let hour = scanner.number(2), scanner.skip(":"),
          let minute = scanner.number(2), scanner.skip(":"), let second = scanner.number(2)
    else { return nil }
    guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
          hour < 24, minute < 60, second < 60
    else { return nil }

    var fraction = 0.0
    if scanner.skip(".") {
        guard let digits = scanner.digits(), !digits.isEmpty else { return nil }
        fraction = Double("0." + digits) ?? 0
    }

    let offsetSeconds: Int
    if scanner.skip("Z") || scanner.skip("z") {
        offsetSeconds = 0
    } else if let sign = scanner.sign() {
        guard let offsetHours = scanner.number(2) else { return nil }
        _ = scanner.skip(":")
        guard let offsetMinutes = scanner.number(2), offsetHours < 24, offsetMinutes < 60 else { return nil }
        offsetSeconds = sign * (offsetHours * 3_600 + offsetMinutes * 60)
    } else {
        return nil
    }
    guard scanner.atEnd else { return nil }

    let days = daysSinceEpoch(year: year, month: month, day: day)
    let local = days * 86_400 + hour * 3_600 + minute * 60 + second
    return Date(timeIntervalSince1970: TimeInterval(local - offsetSeconds) + fraction)
}

/// Formats an instant in UTC as `2026-11-29T02:00:00Z`, with milliseconds only when the
/// instant has a sub-second part (`2026-11-29T02:00:00.250Z`).
public func formatISO8601Timestamp(_ date: Date) -> String {
    let interval = date.timeIntervalSince1970
    if interval.rounded(.down) == interval {
        return date.formatted(Date.ISO8601FormatStyle())
    }
    return date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
}

/// Days in a Gregorian month.
private func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2:
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        return leap ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
}

/// Days from 1970-01-01 to a proleptic Gregorian date (the well-known civil-from-days
/// arithmetic: years counted from March so that the leap day comes last).
private func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
    let shiftedYear = month <= 2 ? year - 1 : year
    let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
    let yearOfEra = shiftedYear - era * 400
    let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
}

/// Reads fixed-width numbers and literal bytes from ASCII text.
private struct DigitScanner {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { index == bytes.count }

    mutating func skip(_ literal: Unicode.Scalar) -> Bool {
        guard index < bytes.count, bytes[index] == UInt8(ascii: literal) else { return false }
        index += 1
        return true
    }

    mutating func number(_ width: Int) -> Int? {
        guard index + width <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[index..<index + width] {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        index += width
        return value
    }

    mutating func digits() -> String? {
        let start = index
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    mutating func sign() -> Int? {
        if skip("+") { return 1 }
        if skip("-") { return -1 }
        return nil
    }
}
