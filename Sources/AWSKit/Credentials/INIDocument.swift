import Foundation

/// An INI document in the dialect of `~/.aws/credentials` and `~/.aws/config`.
///
/// Rules, after the AWS CLI's parser: `[section]` headers; `key = value` lines
/// (keys lower-cased, both sides trimmed); whole-line comments start with `#` or
/// `;`, and a `#`/`;` preceded by whitespace starts an inline comment; a key seen
/// twice in a section (or a section seen twice) keeps the later value; indented
/// lines under a key with an empty value are nested settings (e.g. `rds =` in a
/// `[services NAME]` section) and are kept as `rds.endpoint_url`. Errors name the line but never echo it (it may hold a secret).
public struct INIDocument: Sendable, Hashable {
    /// Section name (as written between the brackets, trimmed) to its settings.
    public var sections: [String: [String: String]]

    /// A syntax error at a 1-based line.
    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        /// File the text came from, as shown to the operator.
        public var path: String
        /// 1-based line number.
        public var line: Int
        /// What is wrong with the line.
        public var reason: String
        /// `~/.aws/config line 7: expected ...`.
        public var description: String { "\(path) line \(line): \(reason)" }
    }

    /// Parses `text`; `path` is only used in error messages.
    public init(parsing text: String, path: String) throws(ParseError) {
        var sections: [String: [String: String]] = [:]
        var current: String?
        var nestedUnder: String?  // key whose empty value opened a nested block
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        for (index, raw) in lines.enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            let indented = raw.first.map { $0 == " " || $0 == "\t" } ?? false
            if indented, let parent = nestedUnder, let current {
                if let equals = line.firstIndex(of: "=") {
                    let key = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
                    sections[current, default: [:]]["\(parent).\(key)"] =
                        Self.stripComment(String(line[line.index(after: equals)...]), atStart: false)
                }
                continue
            }
            nestedUnder = nil
            if line.hasPrefix("[") {
                guard let close = line.firstIndex(of: "]") else {
                    throw ParseError(path: path, line: index + 1, reason: "section header is missing its closing `]`")
                }
                let name = line[line.index(after: line.startIndex)..<close].trimmingCharacters(in: .whitespaces)
                let rest = Self.stripComment(String(line[line.index(after: close)...]), atStart: true)
                guard !name.isEmpty, rest.isEmpty else {
                    throw ParseError(path: path, line: index + 1,
                                     reason: "expected a section header like `[default]` or `[profile NAME]`")
                }
                current = name
                sections[name, default: [:]] = sections[name] ?? [:]
                continue
            }
            guard let equals = line.firstIndex(of: "=") else {
                throw ParseError(path: path, line: index + 1, reason: "expected `key = value`, a `[section]` or a comment")
            }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            let value = Self.stripComment(String(line[line.index(after: equals)...]), atStart: false)
            guard !key.isEmpty else {
                throw ParseError(path: path, line: index + 1, reason: "a setting has no name before `=`")
            }
            guard let section = current else {
                throw ParseError(path: path, line: index + 1,
                                 reason: "setting `\(key)` appears before any `[section]` header")
            }
            sections[section, default: [:]][key] = value
            if value.isEmpty { nestedUnder = key }
        }
        self.sections = sections
    }

    /// Drops an inline comment: a `#` or `;` at the start (when `atStart`) or after whitespace.
    private static func stripComment(_ text: String, atStart: Bool) -> String {
        var previous: Character? = atStart ? " " : nil
        var end = text.endIndex
        for index in text.indices {
            let character = text[index]
            if character == "#" || character == ";", let previous, previous.isWhitespace {
                end = index
                break
            }
            previous = character
        }
        return text[..<end].trimmingCharacters(in: .whitespaces)
    }
}
