import Foundation

/// Reads the snapshot list that `snapferry retention` takes on stdin.
public enum RetentionInput {
    /// Parses one ISO-8601 timestamp per line. Blank lines are skipped and `#` starts a
    /// comment that runs to the end of the line. Each item's id is its timestamp as written.
    ///
    /// - Throws: ``RetentionInputError`` naming the first line that is not a timestamp.
    public static func parse(_ text: String) throws(RetentionInputError) -> [RetentionItem] {
        var items: [RetentionItem] = []
        // Splitting on "\n" (not newlines in general) keeps line numbers equal to an editor's.
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let content = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let trimmed = content.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            guard let time = parseISO8601Timestamp(trimmed) else {
                throw RetentionInputError(line: index + 1, text: trimmed)
            }
            items.append(RetentionItem(id: trimmed, time: time))
        }
        return items
    }
}

/// A line of the snapshot list that is not an ISO-8601 timestamp.
public struct RetentionInputError: Error, Sendable, Hashable, CustomStringConvertible {
    /// 1-based line number.
    public let line: Int
    /// The offending text, without comment and surrounding spaces.
    public let text: String

    /// Creates an error.
    public init(line: Int, text: String) {
        self.line = line
        self.text = text
    }

    /// Tells the operator which line to fix and what is expected.
    public var description: String {
        "line \(line): \"\(text)\" is not an ISO-8601 timestamp; write one per line like "
            + "2026-11-29T02:00:00Z (fractional seconds and offsets such as +01:00 are accepted)"
    }
}
