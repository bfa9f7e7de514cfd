import Foundation
import SnapferryCore
import Testing

/// Loads Fixtures/retention: the shared snapshot list, the policy table and the goldens.
enum RetentionFixtures {
    /// A row of policies.txt.
    struct PolicyCase: Sendable, CustomTestStringConvertible {
        let name: String
        let timeZone: TimeZone
        let now: Date
        let policy: RetentionPolicy
        var testDescription: String { name }
    }

    struct FixtureError: Error, CustomStringConvertible {
        let description: String
    }

    static func text(_ name: String) throws -> String {
        guard let url = Bundle.module.url(forResource: name, withExtension: "txt", subdirectory: "Fixtures/retention")
        else { throw FixtureError(description: "fixture Fixtures/retention/\(name).txt is missing") }
        return try String(contentsOf: url, encoding: .utf8)
    }

    static func snapshots() throws -> [RetentionItem] {
        try RetentionInput.parse(text("snapshots"))
    }

    static func golden(_ name: String) throws -> String {
        try text("golden/\(name)")
    }

    /// The rows of policies.txt. Parsing failures surface as an empty list, which the
    /// golden test reports as a missing-case failure.
    static let policyCases: [PolicyCase] = (try? loadPolicyCases()) ?? []

    static func loadPolicyCases() throws -> [PolicyCase] {
        try text("policies").split(separator: "\n").compactMap { line -> PolicyCase? in
            if line.hasPrefix("#") || line.allSatisfy(\.isWhitespace) { return nil }
            let parts = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 4, let zone = TimeZone(identifier: parts[1]),
                  let now = parseISO8601Timestamp(parts[2])
            else { throw FixtureError(description: "bad policies.txt row: \(line)") }
            return PolicyCase(name: parts[0], timeZone: zone, now: now, policy: try policy(parts[3]))
        }
    }

    /// Parses `last=2 daily=7 within=3d`.
    static func policy(_ spec: String) throws -> RetentionPolicy {
        var policy = RetentionPolicy()
        for rule in spec.split(separator: " ") {
            let pair = rule.split(separator: "=").map(String.init)
            guard pair.count == 2 else { throw FixtureError(description: "bad rule \(rule)") }
            if pair[0] == "within" {
                guard let duration = parseFleetDuration(pair[1]) else { throw FixtureError(description: "bad duration \(rule)") }
                policy.within = duration
                continue
            }
            guard let count = RetentionCount(parsing: pair[1]) else { throw FixtureError(description: "bad count \(rule)") }
            switch pair[0] {
            case "last": policy.last = count
            case "hourly": policy.hourly = count
            case "daily": policy.daily = count
            case "weekly": policy.weekly = count
            case "monthly": policy.monthly = count
            case "yearly": policy.yearly = count
            default: throw FixtureError(description: "unknown rule \(rule)")
            }
        }
        return policy
    }
}

/// Shorthand for a UTC instant in tests; an unparsable literal fails the test that uses it.
func instant(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> Date {
    guard let date = parseISO8601Timestamp(text) else {
        Issue.record("bad timestamp literal \(text)", sourceLocation: sourceLocation)
        return Date(timeIntervalSince1970: 0)
    }
    return date
}

/// Items whose ids are their timestamps.
func items(_ texts: [String]) -> [RetentionItem] {
    texts.map { RetentionItem(id: $0, time: instant($0)) }
}

/// The kept ids of a decision, in order.
func keptIDs(_ decision: RetentionDecision) -> [String] {
    decision.keep.map(\.item.id)
}
