import Foundation

/// Reads the timestamps AWS (and moto) put in responses: ISO 8601 with or
/// without fractional seconds and with `Z` or an offset, or epoch seconds (JSON).
public enum AWSTimestamp {
    /// Parses a response timestamp; nil if it is none of the accepted forms.
    public static func parse(_ text: String) -> Date? {
        if let date = ISO8601Fast.parse(text) { return date }
        let t = text.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(t) { return Date(timeIntervalSince1970: seconds) }
        let plain = ISO8601DateFormatter()
        if let d = plain.date(from: t) { return d }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = fractional.date(from: t) { return d }
        // Microseconds (Python's isoformat) have more digits than the formatter takes: trim to millis.
        if let dot = t.firstIndex(of: ".") {
            let digits = t[t.index(after: dot)...].prefix { $0.isNumber }
            if digits.count > 3 {
                let trimmed = String(t[..<dot]) + "." + digits.prefix(3) + t[t.index(after: dot)...].dropFirst(digits.count)
                if let d = fractional.date(from: trimmed) { return d }
            }
        }
        // A timestamp without zone is UTC in AWS responses.
        if !t.hasSuffix("Z"), !t.contains("+") { return parse(t + "Z") }
        return nil
    }

    /// `2026-12-01T02:00:00.000Z`, the form AWS uses in XML.
    public static func format(_ date: Date) -> String {
        ISO8601Fast.format(date)
    }

    /// `2026-12-01T01:00:00Z` (seconds, UTC), the form of the `snapferry:slot` tag.
    public static func formatSeconds(_ date: Date) -> String {
        ISO8601Fast.format(date, milliseconds: false)
    }
}
