import Foundation

/// The text `ISO8601DateFormatter` gives with its default options in `zone`:
/// `2026-12-01T02:00:00+01:00`, `Z` for a zero offset, seconds truncated.
///
/// Creating an `ISO8601DateFormatter` builds an ICU date formatter (tens of microseconds), which
/// dominated `validate` on large fleet files. `Date.ISO8601FormatStyle` gives the same text for
/// whole seconds in years 1 to 9999; other instants (fractions, which ICU rounds to milliseconds
/// first, and years before 1, which it writes as era years) still go through the formatter.
public func formatISO8601Seconds(_ date: Date, in zone: TimeZone) -> String {
    let seconds = date.timeIntervalSince1970
    if seconds.rounded(.down) == seconds, formatStyleRange.contains(seconds) {
        return date.formatted(Date.ISO8601FormatStyle(timeZoneSeparator: .colon, timeZone: zone))
    }
    let formatter = ISO8601DateFormatter()
    formatter.timeZone = zone
    return formatter.string(from: date)
}

/// 0001-01-03 to 9999-12-29 UTC: two days inside years 1 to 9999 in every zone.
private let formatStyleRange: Range<TimeInterval> = -62_135_596_800 + 172_800 ..< 253_402_300_800 - 172_800
