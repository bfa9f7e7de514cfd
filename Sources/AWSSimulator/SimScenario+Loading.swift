import Foundation
import Yams

extension SimScenario {
    /// Decodes and validates a JSON scenario.
    public static func load(json: Data) throws(SimScenarioError) -> SimScenario {
        if let raw = try? JSONSerialization.jsonObject(with: json), let error = SimScenarioError.combining(missingFields(raw)) {
            throw error
        }
        let scenario: SimScenario
        do { scenario = try JSONDecoder().decode(SimScenario.self, from: json) } catch { throw SimScenarioError.from(error) }
        try scenario.validate()
        return scenario
    }

    /// Decodes and validates a YAML scenario of the same shape as the JSON one.
    public static func load(yaml: String) throws(SimScenarioError) -> SimScenario {
        if let raw = try? Yams.load(yaml: yaml), let error = SimScenarioError.combining(missingFields(raw as Any)) {
            throw error
        }
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

    /// Required fields, per list: `field path → required keys`. Decoding stops at the first missing
    /// field; this pass finds every one, with its JSON path.
    static let requiredFields: [(list: String?, keys: [String])] = [
        (nil, ["start", "accounts"]),
        ("accounts", ["id"]),
        ("kms_keys", ["arn"]),
        ("roles", ["arn", "trust_policy"]),
        ("db_subnet_groups", ["account", "region", "name"]),
        ("security_groups", ["account", "region", "id"]),
        ("db_cluster_parameter_groups", ["account", "region", "name"]),
        ("db_parameter_groups", ["account", "region", "name"]),
        ("clusters", ["account", "region", "id"]),
        ("cluster_snapshots", ["account", "region", "id", "cluster", "created"]),
    ]

    /// Every missing required field of a parsed (JSON or YAML) scenario.
    static func missingFields(_ raw: Any) -> [SimScenarioError] {
        guard let top = raw as? [String: Any] else { return [SimScenarioError(path: "", reason: "a scenario is a JSON or YAML object")] }
        var errors: [SimScenarioError] = []
        for (list, keys) in requiredFields {
            guard let list else {
                for key in keys where top[key] == nil { errors.append(SimScenarioError(path: key, reason: "missing field")) }
                continue
            }
            for (i, element) in ((top[list] as? [Any]) ?? []).enumerated() {
                guard let object = element as? [String: Any] else {
                    errors.append(SimScenarioError(path: "\(list)[\(i)]", reason: "expected an object"))
                    continue
                }
                for key in keys where object[key] == nil {
                    errors.append(SimScenarioError(path: "\(list)[\(i)].\(key)", reason: "missing field"))
                }
                if list == "accounts" {
                    for (k, accessKey) in ((object["access_keys"] as? [Any]) ?? []).enumerated() {
                        for key in ["id", "secret"] where (accessKey as? [String: Any])?[key] == nil {
                            errors.append(SimScenarioError(path: "accounts[\(i)].access_keys[\(k)].\(key)", reason: "missing field"))
                        }
                    }
                }
            }
        }
        return errors
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
