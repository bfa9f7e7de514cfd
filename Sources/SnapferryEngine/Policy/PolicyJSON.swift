import Foundation

/// A JSON value whose objects keep their key order, so documents read as IAM's own examples do
/// (`Version`, `Statement`; `Sid`, `Effect`, `Principal`, `Action`, `Resource`, `Condition`).
public indirect enum PolicyJSON: Sendable, Hashable {
    case string(String)
    case array([PolicyJSON])
    case object([(String, PolicyJSON)])

    public static func == (lhs: PolicyJSON, rhs: PolicyJSON) -> Bool { lhs.compact == rhs.compact }
    public func hash(into hasher: inout Hasher) { hasher.combine(compact) }

    /// A string, or an array of strings (one element stays a one-element array: IAM accepts both, diffs read better).
    public static func strings(_ values: [String]) -> PolicyJSON { .array(values.map(PolicyJSON.string)) }

    /// Indented two spaces, one element per line; arrays of strings on one line when short.
    public var pretty: String { render(indent: "") }

    /// One line, for hints.
    public var compact: String {
        switch self {
        case .string(let s): return Self.quote(s)
        case .array(let items): return "[" + items.map(\.compact).joined(separator: ", ") + "]"
        case .object(let pairs): return "{" + pairs.map { "\(Self.quote($0.0)): \($0.1.compact)" }.joined(separator: ", ") + "}"
        }
    }

    private func render(indent: String) -> String {
        let inner = indent + "  "
        switch self {
        case .string(let s):
            return Self.quote(s)
        case .array(let items):
            if items.isEmpty { return "[]" }
            if items.allSatisfy({ if case .string = $0 { true } else { false } }), compact.count + indent.count <= 100 { return compact }
            return "[\n" + items.map { inner + $0.render(indent: inner) }.joined(separator: ",\n") + "\n\(indent)]"
        case .object(let pairs):
            if pairs.isEmpty { return "{}" }
            return "{\n" + pairs.map { "\(inner)\(Self.quote($0.0)): \($0.1.render(indent: inner))" }.joined(separator: ",\n") + "\n\(indent)}"
        }
    }

    static func quote(_ s: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: s, options: [.fragmentsAllowed, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// `value[key]` of an object.
    public subscript(key: String) -> PolicyJSON? {
        guard case .object(let pairs) = self else { return nil }
        return pairs.first { $0.0 == key }?.1
    }

    /// For `JSONSerialization` (the `--format json` output and tests).
    public var foundation: Any {
        switch self {
        case .string(let s): return s
        case .array(let items): return items.map(\.foundation)
        case .object(let pairs): return Dictionary(pairs.map { ($0.0, $0.1.foundation) }, uniquingKeysWith: { $1 })
        }
    }
}

extension PolicyJSON: Encodable {
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .string(let s):
            var c = encoder.singleValueContainer()
            try c.encode(s)
        case .array(let items):
            var c = encoder.unkeyedContainer()
            for item in items { try c.encode(item) }
        case .object(let pairs):
            var c = encoder.container(keyedBy: Key.self)
            for (k, v) in pairs { try c.encode(v, forKey: Key(k)) }
        }
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ s: String) { stringValue = s }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
