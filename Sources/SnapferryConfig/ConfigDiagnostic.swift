/// One problem in a fleet file, located: `FILE:LINE:COLUMN: field.path: message`.
public struct ConfigDiagnostic: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file as given on the command line.
    public var file: String
    /// 1-based line.
    public var line: Int
    /// 1-based column (Unicode scalars, as libyaml counts).
    public var column: Int
    /// Dotted field path such as `targets[2].account`; empty for the whole document.
    public var path: String
    /// What is wrong and what to change.
    public var message: String

    /// Creates a diagnostic.
    public init(file: String, line: Int, column: Int, path: String, message: String) {
        self.file = file; self.line = line; self.column = column; self.path = path; self.message = message
    }

    /// The `FILE:LINE:COLUMN: path: message` form every tool and editor understands.
    public var description: String {
        path.isEmpty ? "\(file):\(line):\(column): \(message)" : "\(file):\(line):\(column): \(path): \(message)"
    }
}

/// All the problems found in one fleet file, in file order.
public struct ConfigErrors: Error, Sendable, CustomStringConvertible {
    /// Every problem found, sorted by line and column.
    public var diagnostics: [ConfigDiagnostic]

    /// One diagnostic per line.
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// Suggests the closest known word for a misspelt key or name.
enum DidYouMean {
    /// The closest candidate within a small edit distance, if any.
    static func suggestion(for word: String, in candidates: [String]) -> String? {
        let scored = candidates.map { ($0, distance(word.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        let limit = max(1, min(3, word.count / 3))
        return best.1 <= limit ? best.0 : nil
    }

    /// Levenshtein distance.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            previous = current
        }
        return previous[b.count]
    }
}
