import Foundation

/// The `Condition` block of a policy statement. Every operator and every key in it must
/// hold (AND); several values for one key match if any of them does (OR), and for a
/// negated operator if none does (NOR).
///
/// Operators: `StringEquals`, `StringNotEquals`, `StringEqualsIgnoreCase`,
/// `StringNotEqualsIgnoreCase`, `StringLike`, `StringNotLike`, `ArnEquals`, `ArnLike`,
/// `ArnNotEquals`, `ArnNotLike`, `Bool`, and `Null`; each but `Null` may carry the
/// `ForAnyValue:`/`ForAllValues:` prefix and the `IfExists` suffix. Any other operator
/// makes the condition false (scenario validation reports it).
///
/// A key missing from the request context, as the IAM User Guide ("IAM JSON policy
/// elements: Condition operators", docs.aws.amazon.com/IAM/latest/UserGuide/
/// reference_policies_elements_condition_operators.html) states: "If the key that you
/// specify in a policy condition is not present in the request context, the values do not
/// match and the condition is false. If the policy condition requires that the key is not
/// matched, such as StringNotLike or ArnNotLike, and the right key is not present, the
/// condition is true. This logic applies to all condition operators except ...IfExists and
/// Null check." With `...IfExists` a missing key makes the condition true whatever the
/// operator; `ForAllValues:` is true for a missing key and `ForAnyValue:` false ("Set
/// operators for multivalued context keys", same guide).
enum IAMCondition {
    static func holds(_ block: SimJSON?, _ request: IAMRequest) -> Bool {
        guard let block else { return true }
        guard case .object(let operators) = block else { return false }
        for (name, clause) in operators {
            guard let op = Operator(name), case .object(let keys) = clause else { return false }
            for (key, expected) in keys where !op.holds(request.values(key), expected.strings) { return false }
        }
        return true
    }

    struct Operator: Sendable, Equatable {
        enum Qualifier: String, Sendable { case forAnyValue = "ForAnyValue:", forAllValues = "ForAllValues:" }

        enum Base: String, Sendable, CaseIterable {
            case stringEquals = "StringEquals", stringNotEquals = "StringNotEquals"
            case stringEqualsIgnoreCase = "StringEqualsIgnoreCase", stringNotEqualsIgnoreCase = "StringNotEqualsIgnoreCase"
            case stringLike = "StringLike", stringNotLike = "StringNotLike"
            case arnEquals = "ArnEquals", arnNotEquals = "ArnNotEquals", arnLike = "ArnLike", arnNotLike = "ArnNotLike"
            case bool = "Bool", null = "Null"

            var negated: Bool {
                [.stringNotEquals, .stringNotEqualsIgnoreCase, .stringNotLike, .arnNotEquals, .arnNotLike].contains(self)
            }

            /// The positive test of one request value against one policy value.
            func matches(_ value: String, _ pattern: String) -> Bool {
                switch self {
                case .stringEquals, .stringNotEquals: return value == pattern
                case .stringEqualsIgnoreCase, .stringNotEqualsIgnoreCase: return value.lowercased() == pattern.lowercased()
                case .stringLike, .stringNotLike: return IAMPolicy.wildcard(pattern, matches: value, caseSensitive: true)
                case .arnEquals, .arnNotEquals, .arnLike, .arnNotLike: return IAMCondition.arn(value, matches: pattern)
                case .bool: return value.lowercased() == pattern.lowercased()
                case .null: return false
                }
            }
        }

        var qualifier: Qualifier?
        var base: Base
        var ifExists: Bool

        /// Parses `[ForAnyValue:|ForAllValues:]Base[IfExists]` (case-sensitive); nil if unknown.
        init?(_ name: String) {
            var rest = Substring(name)
            qualifier = nil
            for candidate in [Qualifier.forAnyValue, .forAllValues] where rest.hasPrefix(candidate.rawValue) {
                qualifier = candidate
                rest = rest.dropFirst(candidate.rawValue.count)
            }
            ifExists = rest.hasSuffix("IfExists")
            if ifExists { rest = rest.dropLast("IfExists".count) }
            guard let base = Base(rawValue: String(rest)), base != .null || (qualifier == nil && !ifExists) else { return nil }
            self.base = base
        }

        /// Whether the condition holds for the request's values of one key (nil: key absent).
        func holds(_ values: [String]?, _ expected: [String]) -> Bool {
            if base == .null {
                let absent = values?.isEmpty ?? true
                return expected.contains { $0.lowercased() == (absent ? "true" : "false") }
            }
            guard let values, !values.isEmpty else {
                if ifExists { return true }
                switch qualifier {
                case .forAllValues?: return true
                case .forAnyValue?: return false
                case nil: return base.negated
                }
            }
            func one(_ value: String) -> Bool {
                let any = expected.contains { base.matches(value, $0) }
                return base.negated ? !any : any
            }
            return qualifier == .forAllValues ? values.allSatisfy(one) : values.contains(where: one)
        }
    }

    /// ARN comparison as `ArnEquals`/`ArnLike` do it: each of the six colon-separated parts
    /// is matched on its own, case-sensitively, with `*` and `?` wildcards.
    static func arn(_ value: String, matches pattern: String) -> Bool {
        let v = value.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        let p = pattern.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard v.count == 6, p.count == 6 else { return false }
        return zip(p, v).allSatisfy { IAMPolicy.wildcard(String($0), matches: String($1), caseSensitive: true) }
    }
}
