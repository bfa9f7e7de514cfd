import Foundation

/// An invalid scenario: the JSON path of the offending value and what is wrong
/// with it, e.g. `clusters[3].account: unknown account 999999999999`.
public struct SimScenarioError: Error, Sendable, Hashable, CustomStringConvertible {
    /// JSON path, e.g. `clusters[3].account` (empty for the whole document).
    public var path: String
    /// What to change.
    public var reason: String

    /// Further problems found in the same document (all are reported at once).
    public var more: [SimScenarioError] = []

    /// Creates an error.
    public init(path: String, reason: String) { self.path = path; self.reason = reason }

    /// Every problem, this one first.
    public var all: [SimScenarioError] {
        var first = self
        first.more = []
        return [first] + more
    }

    /// `path: reason`, one line per problem.
    public var description: String {
        all.map { $0.path.isEmpty ? $0.reason : "\($0.path): \($0.reason)" }.joined(separator: "\n")
    }

    /// One error carrying `errors` (nil when there are none).
    static func combining(_ errors: [SimScenarioError]) -> SimScenarioError? {
        guard var first = errors.first else { return nil }
        first.more = Array(errors.dropFirst())
        return first
    }

    /// Converts a decoding error into a located message.
    static func from(_ error: any Error) -> SimScenarioError {
        guard let decoding = error as? DecodingError else {
            return SimScenarioError(path: "", reason: "cannot read the scenario: \(error)")
        }
        switch decoding {
        case .keyNotFound(let key, let context):
            return SimScenarioError(path: render(context.codingPath + [key]), reason: "missing field")
        case .typeMismatch(let type, let context):
            return SimScenarioError(path: render(context.codingPath), reason: "expected \(describe(type))")
        case .valueNotFound(let type, let context):
            return SimScenarioError(path: render(context.codingPath), reason: "expected \(describe(type)), found null")
        case .dataCorrupted(let context):
            let underlying = context.underlyingError.map { " (\($0))" } ?? ""
            return SimScenarioError(path: render(context.codingPath), reason: "\(context.debugDescription)\(underlying)")
        @unknown default:
            return SimScenarioError(path: "", reason: "\(decoding)")
        }
    }

    static func render(_ path: [any CodingKey]) -> String {
        var text = ""
        for key in path {
            if let index = key.intValue { text += "[\(index)]" } else { text += text.isEmpty ? key.stringValue : ".\(key.stringValue)" }
        }
        return text
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is UInt64.Type, is Double.Type: return "a number"
        case is Bool.Type: return "true or false"
        default: return "\(type)"
        }
    }
}
