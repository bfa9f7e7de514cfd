import Foundation
import Yams

extension SimScenario {
    /// Decodes and validates a JSON scenario.
    public static func load(json: Data) throws(SimScenarioError) -> SimScenario {
        let scenario: SimScenario
        do { scenario = try JSONDecoder().decode(SimScenario.self, from: json) } catch { throw SimScenarioError.from(error) }
        try scenario.validate()
        return scenario
    }

    /// Decodes and validates a YAML scenario of the same shape as the JSON one.
    public static func load(yaml: String) throws(SimScenarioError) -> SimScenario {
        let scenario: SimScenario
        do { scenario = try YAMLDecoder().decode(SimScenario.self, from: yaml) } catch { throw SimScenarioError.from(error) }
        try scenario.validate()
        return scenario
    }

    /// Decodes a file by extension (`.yaml`/`.yml` as YAML, anything else as JSON).
    public static func load(contentsOf url: URL) throws(SimScenarioError) -> SimScenario {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw SimScenarioError(path: "", reason: "cannot read \(url.path): \(error.localizedDescription)")
        }
        if ["yaml", "yml"].contains(url.pathExtension.lowercased()) { return try load(yaml: String(decoding: data, as: UTF8.self)) }
        return try load(json: data)
    }

    /// The start date, if `start` is valid ISO 8601.
    public var startDate: Date? { SimScenario.parseDate(start) }

    static func parseDate(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}
